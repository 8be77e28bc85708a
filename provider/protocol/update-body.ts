/**
 * Pure builders of update request bodies (RFC 7592 §2.2): the PUT read-modify-write record and
 * the PATCH of owned fields. Both keep `jwks` and `jwks_uri` mutually exclusive (RFC 7591 §2).
 */
import type { ClientMetadata } from "./types";

/** Members a PUT must not carry (RFC 7592 §2.2; oidc-provider answers 400, Hydra 403 for client_secret). */
export const PUT_EXCLUDED: readonly string[] = [
  "registration_access_token",
  "registration_client_uri",
  "client_secret_expires_at",
  "client_id_issued_at",
  "client_secret",
];

/** The key member that must go when `owned` sets the other one (jwks ↔ jwks_uri), if any. */
export function rivalKey(owned: ClientMetadata): "jwks" | "jwks_uri" | undefined {
  if (owned.jwks !== undefined && owned.jwks !== null) return "jwks_uri";
  if (owned.jwks_uri !== undefined && owned.jwks_uri !== null) return "jwks";
  return undefined;
}

/**
 * The full record to PUT: the IdP's `current` record without {@link PUT_EXCLUDED}, with `owned`
 * laid over it (a `null` member removes it), the rival key member removed when `owned` sets one
 * of jwks / jwks_uri, and `client_id` set. Settings we do not own survive untouched — a PUT is a
 * full replacement and an omitted member would fall back to its default.
 */
export function putBody(clientId: string, current: ClientMetadata, owned: ClientMetadata): ClientMetadata {
  const body: ClientMetadata = { ...current };
  for (const member of PUT_EXCLUDED) delete body[member];
  for (const [member, value] of Object.entries(owned)) {
    if (value === undefined) continue;
    if (value === null) delete body[member];
    else body[member] = value;
  }
  const rival = rivalKey(owned);
  if (rival !== undefined) delete body[rival];
  body.client_id = clientId;
  return body;
}

/**
 * The PATCH body: only the owned members (undefined dropped, `null` kept = remove). When `owned`
 * sets one of jwks / jwks_uri and the IdP's record (`current`, when known) holds the other, that
 * one is sent as `null` so the record never ends with both. It is not nulled blindly: an IdP
 * need not accept `null` for a member it does not hold (RFC 7591 defines no null semantics).
 */
export function patchBody(owned: ClientMetadata, current?: ClientMetadata): ClientMetadata {
  const body: ClientMetadata = Object.fromEntries(Object.entries(owned).filter(([, v]) => v !== undefined));
  const rival = rivalKey(owned);
  if (rival !== undefined && current?.[rival] !== undefined && current[rival] !== null) body[rival] = null;
  for (const member of PUT_EXCLUDED) delete body[member];
  return body;
}
