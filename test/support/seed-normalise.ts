/**
 * What a real server does to metadata it stores, for the seed-style fixture's `normalise`
 * option (modelled on Keycloak 26): it adds "none" to `response_types` that hold "code", drops
 * `contacts` (no mapping), sorts the set-valued `redirect_uris` and `grant_types`, and refuses a
 * member it does not know with 400 and Keycloak's words (`Unrecognized field "x"`).
 */
import type { Json, Reply } from "./seed-idp-store";

/** Members the normalising fixture knows (RFC 7591 §2, OpenID Connect Registration §2). */
const KNOWN = new Set([
  "client_id",
  "client_name",
  "redirect_uris",
  "grant_types",
  "response_types",
  "token_endpoint_auth_method",
  "token_endpoint_auth_signing_alg",
  "jwks",
  "jwks_uri",
  "contacts",
  "scope",
  "client_uri",
  "logo_uri",
  "tos_uri",
  "policy_uri",
  "software_id",
  "software_version",
  "client_id_issued_at",
  "client_secret",
  "client_secret_expires_at",
  "post_logout_redirect_uris",
  "request_uris",
  "subject_type",
  "id_token_signed_response_alg",
]);

/** Rewrites `record` in place as the server would store it; a Reply when it refuses it. */
export function normalise(record: Json): Reply | undefined {
  const unknown = Object.keys(record).find((m) => !KNOWN.has(m));
  if (unknown !== undefined) {
    return {
      status: 400,
      body: {
        error: `Invalid json representation for OIDCClientRepresentation. Unrecognized field "${unknown}" at line 1 column 42.`,
      },
    };
  }
  const types = record.response_types;
  if (Array.isArray(types) && types.includes("code") && !types.includes("none"))
    record.response_types = [...types, "none"];
  delete record.contacts;
  for (const set of ["redirect_uris", "grant_types"]) {
    const v = record[set];
    if (Array.isArray(v)) record[set] = [...v].sort();
  }
  return undefined;
}
