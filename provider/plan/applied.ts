/**
 * The drift model: what the IdP holds is compared with what it answered to our last write, not
 * with what we asked for. RFC 7591 §3.2.1 lets a server substitute, normalise or drop metadata
 * values (Keycloak answers `response_types: ["code"]` with `["code","none"]` and drops
 * `contacts`); the answer is the registered value. So for each owned member whose answer
 * differed from what was sent, state keeps `{sent, held}` (canonical forms): while the input
 * still asks for `sent`, the IdP is expected to hold `held`, and only a move away from `held` is
 * drift. Changing the input (a new `sent`) compares with the new wish again. Pure.
 */
import { canonical, equivalent, type Canonical } from "./equivalence";
import { deepEqual } from "../json";

/** One member the IdP answered differently from what was sent. */
export interface AppliedValue {
  /** Canonical form of what was sent. */
  sent: Canonical;
  /** Canonical form of what the IdP answered (`null`: it dropped the member). */
  held: Canonical;
}

/** Owned members whose last write the IdP answered differently, by wire name. */
export type Applied = Record<string, AppliedValue>;

/** A member the IdP answered differently from what was sent (canonical forms), for the warning. */
export interface Substitution extends AppliedValue {
  member: string;
}

/**
 * Members that only select something at registration (the seed IdP's `profile` template) and
 * that IdPs need not echo: compared only when the IdP shows them, never recorded as dropped.
 */
export const SELECTOR_MEMBERS: ReadonlySet<string> = new Set(["profile"]);

/** The canonical value the IdP should hold for `member` when nothing drifted. */
export function expectedAtIdp(
  member: string,
  want: unknown,
  applied: Applied | undefined,
  ours?: ReadonlySet<string>,
): Canonical {
  const wanted = canonical(member, want, ours);
  const entry = applied?.[member];
  return entry !== undefined && deepEqual(entry.sent, wanted) ? entry.held : wanted;
}

/**
 * The owned members (keys of `want`) whose value at the IdP (`held`, its record as last seen)
 * is not what it should hold. `ours` limits the `jwks` comparison to this resource's kids.
 */
export function driftedMembers(
  want: Record<string, unknown>,
  held: Record<string, unknown>,
  applied: Applied | undefined,
  ours?: ReadonlySet<string>,
): string[] {
  return Object.keys(want).filter((m) => {
    if (SELECTOR_MEMBERS.has(m) && held[m] === undefined) return false;
    return !deepEqual(expectedAtIdp(m, want[m], applied, ours), canonical(m, held[m], ours));
  });
}

/**
 * What state keeps after a successful write of `sent` that the IdP answered with `answer`:
 * members it answered differently are recorded (and returned, to warn about once); members not
 * sent keep their record while the wish is unchanged; members no longer owned are forgotten.
 */
export function afterWrite(
  sent: Record<string, unknown>,
  answer: Record<string, unknown>,
  want: Record<string, unknown>,
  previous: Applied | undefined,
  ours?: ReadonlySet<string>,
): { applied: Applied; substitutions: Substitution[] } {
  const applied: Applied = {};
  const substitutions: Substitution[] = [];
  for (const member of Object.keys(want)) {
    if (member in sent) {
      if (SELECTOR_MEMBERS.has(member) && answer[member] === undefined) continue;
      if (equivalent(member, sent[member], answer[member], ours)) continue;
      const entry = { sent: canonical(member, sent[member], ours), held: canonical(member, answer[member], ours) };
      applied[member] = entry;
      substitutions.push({ member, ...entry });
      continue;
    }
    const kept = previous?.[member];
    if (kept !== undefined && deepEqual(kept.sent, canonical(member, want[member], ours))) applied[member] = kept;
  }
  return { applied, substitutions };
}

/** "the IdP holds response_types as ["code","none"] where ["code"] was sent" — for the warning. */
export function describeSubstitution(s: Substitution): string {
  const held = s.held === null ? "did not keep it (dropped)" : `holds ${show(s.held)}`;
  return (
    `${s.member}: ${show(s.sent)} was sent and the IdP ${held}; taken as applied as the IdP holds it ` +
    "(RFC 7591 §3.2.1 lets a server substitute values). It is not sent again until the input changes or the IdP's value moves"
  );
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
