/**
 * OpenID Connect Discovery of the registration endpoint, cached per issuer for the life of the
 * process (one provider run), so many resources on one IdP cost one discovery request.
 */
import { send } from "./http";
import { processDiscovery } from "./process-discovery";
import { discoveryRequest } from "./requests";
import { assertSafeUrl } from "./safe-url";
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
  const call = discoveryRequest(issuer);
  return processDiscovery(await send(call, opts), call, issuer, opts.allowInsecureHttp);
}
