/**
 * Searching text for secret values: state exports, logs, error messages, metric payloads.
 *
 * A secret reaches text in many shapes: a PEM with its lines broken differently (CRLF, another
 * width, indented), JSON-escaped once or twice (`\n`, `\\n`, `\"`), cut by util.inspect into
 * `'…\n' +` pieces, `\uXXXX`- or percent-encoded, in base64url instead of base64, or base64-encoded
 * as a whole (a Basic header, a Pushgateway `@base64` label). So the text and every secret are
 * brought to one canonical form ({@link canonical}) and several slices of each secret are looked
 * for: a secret printed in part, or in any of those shapes, is still found.
 */

/** Private JWK members that must never appear outside secret outputs. */
export const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

/** Characters per slice: 24 base64 characters are 144 bits, never matched by chance. */
const SLICE = 24;
/** Values shorter than this are not searched for (they would match ordinary words). */
const MIN_LENGTH = 8;
const PEM_ARMOR = /-----(BEGIN|END) [A-Z0-9 ]+-----/g;

/**
 * The canonical form of `text`: escapes decoded (`%XX`, `\uXXXX`), util.inspect's string
 * concatenations joined, JSON escapes and every backslash and whitespace removed, the base64url
 * alphabet folded onto base64, padding dropped.
 */
export function canonical(text: string): string {
  return text
    .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\+u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/(['"`])\s*\+\s*\1/g, "")
    .replace(/\\+[nrt]/g, "")
    .replace(/\\/g, "")
    .replace(/\s+/g, "")
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .replace(/=/g, "");
}

/** `count` slices of `body`, evenly spaced from `from` to its end (the whole body when short). */
function spread(body: string, from: number, count: number): string[] {
  if (body.length <= SLICE) return [body];
  const last = body.length - SLICE;
  const start = Math.min(from, last);
  const out = new Set<string>();
  for (let i = 0; i < count; i++) {
    const at = start + Math.round(((last - start) * i) / Math.max(1, count - 1));
    out.add(body.slice(at, at + SLICE));
  }
  return [...out];
}

/**
 * The value base64-encoded as a whole, at each of the three byte alignments it can start at,
 * without the edge characters that depend on the neighbouring bytes.
 */
function base64Forms(value: string): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x20), Buffer.from(value, "utf8")]).toString("base64");
    out.push(encoded.slice(shift === 0 ? 0 : 4, -4));
  }
  return out;
}

/** What is looked for of one secret, each with a label that names the secret but not its value. */
function needlesOf(secret: string, index: number): { label: string; slice: string }[] {
  const pem = secret.match(PEM_ARMOR) !== null;
  const body = canonical(secret.replace(PEM_ARMOR, ""));
  if (body.length < MIN_LENGTH) return [];
  const what = `secret #${index} (${pem ? "PEM" : "value"}, ${body.length} chars)`;
  // A PEM's first quarter is the DER header every key of its type shares (and for RSA the public
  // modulus): slices come from the rest, which holds the private material.
  const out = spread(body, pem ? Math.floor(body.length / 4) : 0, pem ? 4 : 3).map((slice) => ({ label: what, slice }));
  if (!pem && body.length >= 2 * MIN_LENGTH) {
    for (const form of base64Forms(secret)) {
      for (const slice of spread(canonical(form), 0, 3)) out.push({ label: `${what} base64-encoded`, slice });
    }
  }
  return out;
}

/** Secret members of private JWK sets. */
export function privateMembers(...sets: ({ keys: Record<string, unknown>[] } | undefined)[]): string[] {
  const out: string[] = [];
  for (const set of sets)
    for (const jwk of set?.keys ?? [])
      for (const m of PRIVATE_MEMBERS) if (typeof jwk[m] === "string") out.push(jwk[m] as string);
  return out;
}

/** The secret values of a DcrClient's outputs: RAT, client secret, private key PEM and private JWK members. */
export function outputSecrets(outputs: Record<string, unknown> | undefined): string[] {
  if (outputs === undefined) return [];
  const values = [outputs.registrationAccessToken, outputs.clientSecret, outputs.privateKeyPem].filter(
    (v): v is string => typeof v === "string",
  );
  return [...values, ...privateMembers(outputs.privateJwks as { keys: Record<string, unknown>[] } | undefined)];
}

/**
 * The secrets of `secrets` (strings; anything else is skipped) found in `text`, as labels that
 * say which secret and in which form, never its value; empty means clean.
 */
export function leaks(text: string, secrets: readonly unknown[]): string[] {
  const haystack = canonical(text);
  const found = new Set<string>();
  secrets.forEach((s, i) => {
    if (typeof s !== "string") return;
    for (const { label, slice } of needlesOf(s, i)) if (haystack.includes(slice)) found.add(label);
  });
  return [...found];
}
