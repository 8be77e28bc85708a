/**
 * When two values of one client-metadata member mean the same thing at an IdP. Servers reorder
 * set-valued members (Keycloak sorts `redirect_uris` and `grant_types`), echo an empty list for a
 * member they do not hold, and add or drop JWK members such as `use`: none of that is a change.
 * Each member is reduced to a canonical form; two values are equivalent when their forms are
 * equal. Pure.
 */
import { deepEqual } from "../json";

/**
 * Members whose array value is a set (RFC 7591 §2, OpenID Connect Registration §2): order and
 * duplicates carry no meaning. `default_acr_values` is not here: its order is a preference.
 */
export const SET_MEMBERS: ReadonlySet<string> = new Set([
  "redirect_uris",
  "grant_types",
  "response_types",
  "contacts",
  "request_uris",
  "post_logout_redirect_uris",
]);

/** Members that are space-separated sets of tokens (RFC 7591 §2 `scope`). */
export const TOKEN_SET_MEMBERS: ReadonlySet<string> = new Set(["scope"]);

/** A canonical value: JSON-safe (no undefined), `null` for "not held". */
export type Canonical = unknown;

/**
 * The canonical form of `value` for `member`. Absent, `null`, an empty set and an empty JWK Set
 * all read as `null` (not held). Set members become sorted, de-duplicated lists; `scope` a sorted
 * token list; `jwks` the sorted kids of its keys — only kids in `ours` when given, so keys the
 * resource does not manage never count.
 */
export function canonical(member: string, value: unknown, ours?: ReadonlySet<string>): Canonical {
  if (value === undefined || value === null) return null;
  if (member === "jwks") {
    const keys = (value as { keys?: unknown }).keys;
    const kids = Array.isArray(keys)
      ? keys.map((k) => (k as { kid?: unknown } | null)?.kid).filter((k): k is string => typeof k === "string")
      : [];
    const counted = ours === undefined ? kids : kids.filter((k) => ours.has(k));
    return counted.length === 0 ? null : [...new Set(counted)].sort();
  }
  if (TOKEN_SET_MEMBERS.has(member) && typeof value === "string") {
    const tokens = value.split(" ").filter((t) => t !== "");
    return tokens.length === 0 ? null : [...new Set(tokens)].sort();
  }
  if (SET_MEMBERS.has(member) && Array.isArray(value)) {
    if (value.length === 0) return null;
    const sorted = [...value].sort((a, b) => compareJson(a, b));
    return sorted.filter((v, i) => i === 0 || !deepEqual(v, sorted[i - 1]));
  }
  return value;
}

/** True when `a` and `b` mean the same for `member` (see {@link canonical}). */
export function equivalent(member: string, a: unknown, b: unknown, ours?: ReadonlySet<string>): boolean {
  return deepEqual(canonical(member, a, ours), canonical(member, b, ours));
}

function compareJson(a: unknown, b: unknown): number {
  const x = typeof a === "string" ? a : JSON.stringify(a);
  const y = typeof b === "string" ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
