/**
 * Pure mapping between resource inputs and RFC 7591 wire metadata: what we ask for, which
 * fields we own (and so may change), and how the IdP's record compares with that.
 */
import type { DcrInputs, DesiredRecord, Jwks } from "../types";
import type { PublicJwk } from "../crypto";
import { DEFAULT_POLICY } from "./keys";

/** Defaults applied when neither the program nor stack config sets a value. */
export const DEFAULTS = {
  keyAlgorithm: "RS256",
  kidPrefix: "dcr",
  updateMethod: "PUT",
  timeoutSeconds: 30,
  tokenEndpointAuthMethod: "private_key_jwt",
} as const;

/** Metadata members a user may not set through `metadata` (owned by dedicated inputs or the IdP). */
export const RESERVED_METADATA = [
  "jwks", "jwks_uri", "redirect_uris", "client_id", "client_secret", "client_id_issued_at",
  "client_secret_expires_at", "registration_access_token", "registration_client_uri",
] as const;

/** The desired state recorded in outputs (non-secret inputs with defaults applied). */
export function desiredRecord(
  inputs: DcrInputs,
  registrationEndpoint: string,
  extra: { signingKeyThumbprint?: string } = {},
): DesiredRecord {
  const record: DesiredRecord = {
    registrationEndpoint,
    keyAlgorithm: inputs.keyAlgorithm ?? DEFAULTS.keyAlgorithm,
    kidPrefix: inputs.kidPrefix ?? DEFAULTS.kidPrefix,
    rotateAfterDays: inputs.rotateAfterDays ?? DEFAULT_POLICY.rotateAfterDays,
    retireAfterDays: inputs.retireAfterDays ?? DEFAULT_POLICY.retireAfterDays,
    maxKeys: inputs.maxKeys ?? DEFAULT_POLICY.maxKeys,
    updateMethod: inputs.updateMethod ?? DEFAULTS.updateMethod,
    timeoutSeconds: inputs.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
  };
  const optional = {
    issuer: inputs.issuer,
    clientId: inputs.clientId,
    clientName: inputs.clientName,
    profile: inputs.profile,
    metadata: inputs.metadata,
    redirectUris: inputs.redirectUris,
    redirectUpdateMode: inputs.redirectUpdateMode,
    rotationSafe: inputs.rotationSafe,
    jwksUri: inputs.jwksUri,
    kid: inputs.kid,
    rotationTrigger: inputs.rotationTrigger,
    publishAheadDays: inputs.publishAheadDays,
    signingKeyThumbprint: extra.signingKeyThumbprint,
    adoptedClientId: inputs.adopt?.clientId,
    pushgatewayUrl: inputs.pushgatewayUrl,
    ratRenewalPath: inputs.ratRenewalPath,
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (record as unknown as Record<string, unknown>)[k] = v;
  }
  return record;
}

/**
 * The metadata fields this resource owns for a desired record, excluding keys and redirect
 * URIs: client_name, profile, the user's `metadata` members, and the default
 * token_endpoint_auth_method when the user did not choose one.
 */
export function ownedPlainMetadata(desired: DesiredRecord): Record<string, unknown> {
  const owned: Record<string, unknown> = {
    token_endpoint_auth_method: DEFAULTS.tokenEndpointAuthMethod,
    ...desired.metadata,
  };
  if (desired.clientName !== undefined) owned.client_name = desired.clientName;
  if (desired.profile !== undefined) owned.profile = desired.profile;
  return owned;
}

/** Owned key field: `{ jwks_uri }` when a jwks URI is used, else the inline `{ jwks }`. */
export function ownedKeyMetadata(desired: DesiredRecord, jwks: Jwks<PublicJwk>): Record<string, unknown> {
  return desired.jwksUri !== undefined ? { jwks_uri: desired.jwksUri } : { jwks };
}

/** The full POST body for a registration. */
export function registrationMetadata(
  desired: DesiredRecord,
  jwks: Jwks<PublicJwk>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...ownedPlainMetadata(desired), ...ownedKeyMetadata(desired, jwks) };
  if (desired.redirectUris !== undefined) body.redirect_uris = [...desired.redirectUris];
  if (desired.clientId !== undefined) body.client_id = desired.clientId;
  return body;
}

/** Owned plain-metadata members whose value at the IdP differs from what we want. */
export function metadataDrift(desired: DesiredRecord, actual: Record<string, unknown>): string[] {
  const owned = ownedPlainMetadata(desired);
  // An IdP that does not echo `profile` (a template selector, not client metadata) is not drifting.
  return Object.keys(owned).filter((k) => !(k === "profile" && !(k in actual)) && !deepEqual(owned[k], actual[k]));
}

/** Structural equality for JSON values (object member order ignored, array order kept). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}
