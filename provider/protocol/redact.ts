/**
 * Redaction and truncation of anything the IdP says before it reaches an error message or a
 * log line: token-shaped members, Bearer values, private JWK members, PEM blocks, and every
 * secret string known to be in flight (even when the IdP echoes it raw).
 */
import { PRIVATE_JWK_MEMBERS } from "../jwk-members";
import { printable } from "../text";

/** What a redacted value is replaced with. */
export const REDACTED = "[redacted]";

/** Default length a body excerpt is cut to. */
export const EXCERPT_CHARS = 300;

/** Members whose values are credentials, in JSON or form encoding. */
const SECRET_MEMBER_NAMES = [
  "registration_access_token",
  "initial_access_token",
  "access_token",
  "refresh_token",
  "client_secret",
  "admin_token",
];

/** `text` with every occurrence of each known secret (and of its URL-encoded form) replaced. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

/**
 * `text` with token-shaped content replaced: Bearer values, credential members (JSON and
 * `name=value`), private JWK members and PEM blocks (also one cut off by truncation).
 */
export function redactPatterns(text: string): string {
  const members = [...SECRET_MEMBER_NAMES, ...PRIVATE_JWK_MEMBERS].join("|");
  return text
    .replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, `${REDACTED} PEM`)
    .replace(/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`)
    .replace(new RegExp(`("(?:${members})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"?|[^,}\\s]+)`, "g"), `$1"${REDACTED}"`)
    .replace(new RegExp(`\\b((?:${SECRET_MEMBER_NAMES.join("|")})=)[^&\\s"']+`, "gi"), `$1${REDACTED}`);
}

/** At most `max` characters of `text`, saying how much was cut. */
export function truncate(text: string, max = EXCERPT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * An excerpt of an IdP body fit for a message: secrets and token-shaped values redacted first
 * (so truncation cannot leave half a token behind), whitespace collapsed, truncated, then made
 * {@link printable} (no control character survives to forge a line).
 */
export function excerpt(body: string, secrets: readonly (string | undefined)[], max = EXCERPT_CHARS): string {
  return printable(truncate(redactPatterns(redactSecrets(body, secrets)).replace(/\s+/g, " ").trim(), max));
}

/** A URL for messages: origin and path only (no credentials, query or fragment), {@link printable}. */
export function displayUrl(url: URL | string): string {
  const u = typeof url === "string" ? URL.parse(url) : url;
  return u === null ? "(invalid URL)" : printable(`${u.origin}${u.pathname}`);
}
