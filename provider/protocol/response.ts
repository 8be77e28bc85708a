/**
 * Processing of client-information responses (RFC 7591 §3.2.1, RFC 7592 §3): shape validation,
 * taking a rotated token into the handle at once, and refusing hostile answers (another
 * client's id, a URI on another origin, private key material).
 */
import * as z from "zod";
import { DcrError } from "../errors";
import { printable } from "../text";
import { displayUrl } from "./redact";
import { idpUrl } from "./safe-url";
import { PRIVATE_JWK_MEMBERS } from "../jwk-members";
import { CREDENTIAL_MEMBERS, type ClientHandle, type ClientMetadata, type ClientRecord } from "./types";

/** The members of a client-information response we rely on; everything else passes through. */
function responseSchema() {
  return z.looseObject({
    client_id: z.string().min(1).optional(),
    registration_access_token: z.string().min(1).optional(),
    registration_client_uri: z.string().min(1).optional(),
    client_secret: z.string().optional(),
    client_secret_expires_at: z.number().optional(),
    jwks: z.looseObject({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  });
}

/**
 * The schema, built on first use and then reused: building it (zod JIT-compiles a parser per
 * schema instance) cost ~0.45 ms per response, more than a loopback request (bench/, docs/performance.md).
 * Lazy, never at module load, so nothing zod-made exists when Pulumi serializes the provider's
 * closure into state (a zod schema holds bound native functions, which cannot be serialized).
 */
let cachedSchema: ReturnType<typeof responseSchema> | undefined;

/** A validated client-information response. */
export type ClientInfo = z.infer<ReturnType<typeof responseSchema>>;

/**
 * `body` validated as a client-information response.
 * @throws DcrError ERR_IDP_RESPONSE naming the first member that does not fit.
 */
export function parseClientInfo(body: Record<string, unknown>, doing: string): ClientInfo {
  const result = (cachedSchema ??= responseSchema()).safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? z.core.toDotPath(issue.path) : "";
  throw new DcrError(
    "ERR_IDP_RESPONSE",
    `${doing}: the IdP's answer is malformed at "${printable(path)}": ${printable(issue?.message ?? "invalid")}`,
    {
      cause: result.error,
    },
  );
}

/**
 * Takes what an answer carries into `handle`, in place, BEFORE the answer is validated any
 * further (a rotated RAT must survive a malformed rest): first checks the answer is about this
 * client, then stores a new RAT / client secret, then a new `registration_client_uri` — only on
 * the same origin as the current one.
 * @throws DcrError ERR_IDP_RESPONSE for another client_id (nothing taken) or a foreign URI (the URI not taken).
 */
export function absorb(handle: ClientHandle, body: Record<string, unknown>, doing: string): void {
  if (body.client_id !== undefined && body.client_id !== handle.clientId) {
    const named =
      typeof body.client_id === "string" ? `client_id "${printable(body.client_id)}"` : "a malformed client_id";
    throw new DcrError(
      "ERR_IDP_RESPONSE",
      `${doing}: the IdP answered about ${named} instead of "${printable(handle.clientId)}"; nothing from this answer was used`,
    );
  }
  if (typeof body.registration_access_token === "string" && body.registration_access_token !== "") {
    handle.registrationAccessToken = body.registration_access_token;
  }
  if (typeof body.client_secret === "string") handle.clientSecret = body.client_secret;
  const uri = body.registration_client_uri;
  if (uri !== undefined && uri !== handle.registrationClientUri) {
    const origin = new URL(handle.registrationClientUri).origin;
    handle.registrationClientUri = idpUrl(uri, "registration_client_uri", origin).href;
  }
}

/**
 * The record a validated answer describes, after {@link absorb}.
 * @throws DcrError ERR_IDP_RESPONSE when `jwks` holds private key members.
 */
export function recordOf(handle: ClientHandle, info: ClientInfo, doing: string): ClientRecord {
  assertPublicJwks(info.jwks, `${doing}: the IdP's answer`, "ERR_IDP_RESPONSE");
  const metadata: ClientMetadata = { ...info };
  for (const member of CREDENTIAL_MEMBERS) delete metadata[member];
  if (metadata.client_id === undefined) metadata.client_id = handle.clientId;
  const record: ClientRecord = { handle, metadata };
  if (info.client_secret_expires_at !== undefined) record.clientSecretExpiresAt = info.client_secret_expires_at;
  return record;
}

/**
 * Refuses a JWK Set holding private or symmetric key members (d, p, q, dp, dq, qi, k).
 * @throws DcrError with `code`, naming the key index and the members (never their values).
 */
export function assertPublicJwks(jwks: unknown, where: string, code: "ERR_IDP_RESPONSE" | "ERR_CONFIG"): void {
  const keys = (jwks as { keys?: unknown } | undefined)?.keys;
  if (!Array.isArray(keys)) return;
  for (const [i, key] of keys.entries()) {
    const members = typeof key === "object" && key !== null ? PRIVATE_JWK_MEMBERS.filter((m) => m in key) : [];
    if (members.length > 0) {
      throw new DcrError(
        code,
        `${where} has private key material in jwks.keys[${i}] (members ${members.join(", ")}); only public keys may be published`,
      );
    }
  }
}

/** "reading client x at https://idp/reg/x" — the subject of messages about one client. */
export function subject(verb: string, handle: ClientHandle): string {
  return `${verb} client ${printable(handle.clientId)} at ${displayUrl(handle.registrationClientUri)}`;
}
