/**
 * OpenID Connect Discovery of the registration endpoint, cached per issuer for the life of the
 * process (one provider run), so many resources on one IdP cost one discovery request.
 */
import { DcrError } from "../errors";
import { idpError, jsonObject, send, type HttpCall } from "./http";
import { displayUrl } from "./redact";
import { assertSafeUrl, idpUrl } from "./safe-url";
import type { RequestOptions } from "./types";

/** issuer (without trailing slash) → registration endpoint. Successes only. */
const discovered = new Map<string, Promise<string>>();

/**
 * The `registration_endpoint` of `issuer`, from `{issuer}/.well-known/openid-configuration`
 * (OpenID Connect Discovery 1.0 §4); cached per issuer in-process.
 * @throws DcrError ERR_CONFIG for an unsafe issuer (before any request); ERR_IDP_UNSUPPORTED when
 *   the IdP advertises no registration endpoint; ERR_IDP_RESPONSE for a malformed or mismatched document.
 */
export async function discoverRegistrationEndpoint(issuer: string, opts: RequestOptions = {}): Promise<string> {
  const base = assertSafeUrl(issuer, "issuer", opts.allowInsecureHttp).href.replace(/\/+$/, "");
  const cached = discovered.get(base);
  if (cached) return cached;
  const pending = fetchEndpoint(base, opts);
  discovered.set(base, pending);
  pending.catch(() => discovered.delete(base));
  return pending;
}

async function fetchEndpoint(issuer: string, opts: RequestOptions): Promise<string> {
  const call: HttpCall = {
    method: "GET",
    url: new URL(`${issuer}/.well-known/openid-configuration`),
    retry: "idempotent",
  };
  const doing = `discovering the registration endpoint of ${displayUrl(issuer)}`;
  const answer = await send(call, opts);
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
  return idpUrl(document.registration_endpoint, "registration_endpoint", undefined, opts.allowInsecureHttp).href;
}
