/**
 * Registration access tokens that expire. Some IdPs hand out a JWT as the RAT, with `exp` minutes
 * away and no way to renew it through RFC 7592. The payload is decoded WITHOUT verification — only
 * to warn and to explain a refusal; nothing is trusted from it. Pure.
 */
import { printable } from "../text";

/** A RAT longer than this is not decoded (JWTs are far shorter; the bound keeps decoding cheap). */
const MAX_TOKEN_CHARS = 16_384;

/** Largest time a Date holds, in milliseconds (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/**
 * When `token` expires, from the numeric `exp` claim of a compact JWS (three base64url parts);
 * undefined for a token that is not such a JWT, is too long, or has no finite numeric `exp`.
 */
export function ratExpiresAt(token: string): Date | undefined {
  if (token.length > MAX_TOKEN_CHARS) return undefined;
  const parts = token.split(".");
  const payload = parts[1];
  if (parts.length !== 3 || payload === undefined || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const exp = typeof claims === "object" && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
  if (typeof exp !== "number" || !Number.isFinite(exp) || Math.abs(exp * 1000) > MAX_DATE_MS) return undefined;
  return new Date(exp * 1000);
}

/** "in 15 minutes", "in 2 hours", "in 3 days" — or "already passed". */
function fromNow(ms: number): string {
  if (ms <= 0) return "already passed";
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 120) return `in ${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} hours`;
  return `in ${Math.floor(hours / 24)} days`;
}

/**
 * The one warning to log when a client gets a RAT that expires (see {@link ratExpiresAt}): when,
 * and what it means. Undefined when the token shows no expiry.
 */
export function ratExpiryWarning(clientId: string, token: string, now: Date): string | undefined {
  const at = ratExpiresAt(token);
  if (at === undefined) return undefined;
  return (
    `client ${printable(clientId)}: the IdP's registration access token expires at ${at.toISOString()} ` +
    `(${fromNow(at.getTime() - now.getTime())}). After that instant the IdP refuses refresh, update and destroy ` +
    `of this client unless an admin API renews the token: set "adminToken" (\`pulumi config set --secret dcr:adminToken <token>\`), ` +
    "or re-adopt the client with a fresh registration access token (the `adopt` input) when it is needed"
  );
}
