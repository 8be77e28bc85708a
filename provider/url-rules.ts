/**
 * URL rules shared by input validation and the protocol layer: https everywhere except
 * loopback, no credentials or fragments, ASCII only (no look-alike hosts).
 */

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * What is wrong with `value` as a URL of `kind`, or undefined when it is fine. `allowInsecureHttp`
 * (an explicit opt-in) lets an endpoint use plain http on a non-loopback host.
 */
export function urlProblem(
  value: string,
  kind: "endpoint" | "redirect" | "metrics",
  allowInsecureHttp = false,
): string | undefined {
  if (/[^\x20-\x7e]/.test(value)) {
    return "must contain only printable ASCII characters (write internationalised hosts in punycode on purpose)";
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URL";
  }
  if (/\s/.test(value)) return "must not contain spaces";
  if (url.username || url.password) return "must not contain credentials (user:password@)";
  if (value.includes("#")) return "must not contain a fragment (#)";
  const web = url.protocol === "https:" || url.protocol === "http:";
  if (kind === "redirect" && !web) {
    // RFC 8252 §7.1: private-use schemes are reverse domain names, e.g. com.example.app:/cb
    if (!url.protocol.slice(0, -1).includes(".")) {
      return "must be an https URL, http on loopback, or a reverse-domain private-use scheme (com.example.app:/callback)";
    }
    return undefined;
  }
  if (!web)
    return kind === "metrics" ? "must be an http(s) URL" : "must be an https URL (http is allowed only for loopback)";
  if (!url.hostname) return "must name a host";
  const httpAllowed = kind === "metrics" || (kind === "endpoint" && allowInsecureHttp) || isLoopbackHost(url.hostname);
  if (url.protocol === "http:" && !httpAllowed) {
    return kind === "endpoint"
      ? "must be an https URL (http is allowed only for loopback, or anywhere with allowInsecureHttp)"
      : "must be an https URL (http is allowed only for loopback)";
  }
  return undefined;
}
