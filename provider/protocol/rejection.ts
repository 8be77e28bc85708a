/**
 * Which metadata member an IdP refused, from its own words. Servers say it differently —
 * Keycloak: `Unrecognized field "profile"`, oidc-provider: `invalid_client_metadata: jwks must
 * be …`, a seed-style IdP: `redirect_uris[0] must be …` — so the members we sent are looked for
 * in the message, whole words only. Pure.
 */

/** The sent members the IdP's words name (most specific first); empty when none is named. */
export function rejectedMembers(words: string, sent: readonly string[]): string[] {
  // Only names we sent are ever repeated: the IdP's words could carry anything.
  const quoted = /unrecognized field\s+["'`]?([A-Za-z0-9_.-]+)/i.exec(words)?.[1];
  if (quoted !== undefined && sent.includes(quoted)) return [quoted];
  const named = sent.filter((m) => new RegExp(`(^|[^A-Za-z0-9_])${escape(m)}($|[^A-Za-z0-9_])`).test(words));
  // `jwks_uri` also contains `jwks` as a word part only with `_`, which the boundary excludes.
  return named.sort((a, b) => b.length - a.length);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
