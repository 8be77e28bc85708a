/** Reading an OpenID Connect Discovery document for its registration endpoint (pure). */
import { DcrError } from "../errors";
import { idpError, jsonObject } from "./answer";
import type { HttpAnswer, HttpCall } from "./http";
import { displayUrl } from "./redact";
import { idpUrl } from "./safe-url";

/**
 * The `registration_endpoint` the discovery answer for `issuer` (no trailing slash) advertises.
 * @throws DcrError ERR_IDP_UNSUPPORTED when it advertises none; ERR_IDP_RESPONSE for a malformed or
 *   mismatched document or an unsafe endpoint; see {@link idpError} for a status other than 200.
 */
export function processDiscovery(
  answer: HttpAnswer,
  call: HttpCall,
  issuer: string,
  allowInsecureHttp = false,
): string {
  const doing = `discovering the registration endpoint of ${displayUrl(issuer)}`;
  if (answer.status !== 200)
    throw idpError(answer, call, doing, 'Check "issuer", or set "registrationEndpoint" instead');
  const document = jsonObject(answer, call);
  if (typeof document.issuer === "string" && document.issuer.replace(/\/+$/, "") !== issuer) {
    throw new DcrError(
      "ERR_IDP_RESPONSE",
      `${doing}: the document names issuer ${displayUrl(document.issuer)}, not ${displayUrl(issuer)} (OpenID Connect Discovery §4.3)`,
    );
  }
  if (document.registration_endpoint === undefined) {
    throw new DcrError(
      "ERR_IDP_UNSUPPORTED",
      `${doing}: the IdP advertises no registration_endpoint, so it does not support Dynamic Client Registration (RFC 7591); enable it at the IdP or set "registrationEndpoint"`,
    );
  }
  return idpUrl(document.registration_endpoint, "registration_endpoint", undefined, allowInsecureHttp).href;
}
