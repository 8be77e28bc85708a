/** Searching text for secret values: state exports, logs, error messages, metric payloads. */

/** Private JWK members that must never appear outside secret outputs. */
export const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

/**
 * A distinctive piece of each secret: the whole value when short, else a slice from the middle
 * (PEM headers and DER prefixes are shared by every key and would match anything).
 */
export function needles(secrets: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const s of secrets) {
    if (typeof s !== "string" || s.length < 8) continue;
    const body = s.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    out.push(body.length > 48 ? body.slice(Math.floor(body.length / 2), Math.floor(body.length / 2) + 32) : body);
  }
  return out;
}

/** Secret members of private JWK sets. */
export function privateMembers(...sets: ({ keys: Record<string, unknown>[] } | undefined)[]): string[] {
  const out: string[] = [];
  for (const set of sets) for (const jwk of set?.keys ?? []) for (const m of PRIVATE_MEMBERS) if (typeof jwk[m] === "string") out.push(jwk[m] as string);
  return out;
}

/** The secrets found in `text` (as needles); empty means clean. */
export function leaks(text: string, secrets: readonly unknown[]): string[] {
  return needles(secrets).filter((n) => text.includes(n));
}
