/**
 * Quoting values someone else chose (an IdP's client_id, error text, URLs) into one line of a
 * message or log. Pure.
 */

/** Characters that could break a line or reorder what a reader sees. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `value` with every control character escaped JSON-style: `\r`, `\n`, `\t`, and `\uXXXX` for the
 * other C0 and C1 controls, DEL, U+2028/U+2029 and the bidirectional overrides. A value an IdP
 * chose (a client_id holding CR/LF, say) can then never appear as a separate, forged line.
 */
export function printable(value: string): string {
  return value.replace(UNPRINTABLE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
