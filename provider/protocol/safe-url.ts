/**
 * The URL gate every request passes before anything is sent: absolute, https unless the host is
 * loopback, no credentials or fragment — and no token ever travels to another origin.
 */
import { DcrError } from "../errors";
import { urlProblem } from "../url-rules";
import { displayUrl } from "./redact";

/** What is wrong with `value` as an endpoint URL, or the parsed URL when it is fine. */
function check(value: string, allowInsecureHttp: boolean): { url: URL } | { problem: string } {
  const problem = urlProblem(value, "endpoint", allowInsecureHttp);
  return problem === undefined ? { url: new URL(value) } : { problem };
}

/**
 * `url` parsed, when it is absolute and https (http only for 127.0.0.0/8, ::1 and localhost, or
 * anywhere with the explicit `allowInsecureHttp` opt-in).
 * @throws DcrError ERR_CONFIG naming `property`, before any request is made.
 */
export function assertSafeUrl(url: string, property: string, allowInsecureHttp = false): URL {
  const result = check(url, allowInsecureHttp);
  if ("url" in result) return result.url;
  throw new DcrError("ERR_CONFIG", `"${property}" ${result.problem} (got ${displayUrl(url)})`);
}

/**
 * A URL the IdP handed back (`registration_endpoint`, `registration_client_uri`), parsed; it
 * must pass {@link assertSafeUrl} and, when `origin` is given, stay on that origin — a token is
 * never sent to a URL the IdP could point anywhere.
 * @throws DcrError ERR_IDP_RESPONSE naming `field`.
 */
export function idpUrl(value: unknown, field: string, origin?: string, allowInsecureHttp = false): URL {
  if (typeof value !== "string") throw new DcrError("ERR_IDP_RESPONSE", `the IdP's ${field} must be a URL string`);
  // A URL on the origin already in use is as safe as that origin, which passed the gate itself.
  const sameOrigin = origin !== undefined && URL.parse(value)?.origin === origin;
  const result = check(value, allowInsecureHttp || sameOrigin);
  if ("problem" in result) {
    throw new DcrError("ERR_IDP_RESPONSE", `the IdP's ${field} ${result.problem} (got ${displayUrl(value)})`);
  }
  if (origin !== undefined && result.url.origin !== origin) {
    throw new DcrError(
      "ERR_IDP_RESPONSE",
      `the IdP's ${field} ${displayUrl(value)} is on another origin than ${origin}; ` +
        "refusing to send the registration access token there",
    );
  }
  return result.url;
}
