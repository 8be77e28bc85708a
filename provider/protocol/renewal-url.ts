/** Where a registration access token is renewed through the IdP's admin API, and whether one is configured. */
import { assertSafeUrl } from "./safe-url";
import { DEFAULT_RAT_RENEWAL_PATH, type ClientHandle, type RenewalOptions, type RequestOptions } from "./types";

/** Where to get a token from when no admin API is configured: words that hold for any IdP. */
export const ADMIN_WORDS = "in the IdP's admin console or admin API";

/** True when an admin API for tokens is configured (an admin token, or an explicit renewal path). */
export function renewalConfigured(opts: RenewalOptions): boolean {
  return (opts.adminToken !== undefined && opts.adminToken !== "") || opts.ratRenewalPath !== undefined;
}

/** The renewal endpoint for `handle`: the template with `{client_id}` filled in, made absolute. */
export function renewalUrl(
  handle: ClientHandle,
  opts: RenewalOptions & Pick<RequestOptions, "allowInsecureHttp"> = {},
): URL {
  const filled = (opts.ratRenewalPath ?? DEFAULT_RAT_RENEWAL_PATH)
    .split("{client_id}")
    .join(encodeURIComponent(handle.clientId));
  if (/^[a-z][a-z0-9+.-]*:/i.test(filled)) return assertSafeUrl(filled, "ratRenewalPath", opts.allowInsecureHttp);
  const origin = assertSafeUrl(handle.registrationClientUri, "registrationClientUri", opts.allowInsecureHttp).origin;
  return assertSafeUrl(new URL(filled, origin).href, "ratRenewalPath", opts.allowInsecureHttp);
}
