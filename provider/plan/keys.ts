/**
 * The key planner: given the keys this resource manages, a policy and an instant, decide
 * whether to generate a new (active) key, which keys to retire by age, and which to drop to
 * respect the cap. Pure: time comes in as an argument; nothing is generated here.
 *
 * Keys the IdP holds that this resource did not create never reach the planner: callers keep
 * them, and they do not count against `maxKeys`.
 */
import { KEY_ALGORITHMS, type KeyAlgorithm } from "../crypto";
import { DcrError } from "../errors";
import { makeKid } from "./kid";

/** A key this resource created (public facts only). */
export interface ManagedKey {
  kid: string;
  alg: KeyAlgorithm;
  /** ISO-8601 UTC creation time. */
  createdAt: string;
}

/** Rotation policy, as the resource's arguments give it. */
export interface KeyPolicy {
  /** Algorithm of the active key; an active key of another algorithm is replaced. */
  algorithm: KeyAlgorithm;
  /** Age in days at which the active key is replaced; 0 = a new key on every update. Integer >= 0. */
  rotateAfterDays: number;
  /** Age in days at which a non-active key is dropped; <= 0 disables retirement. */
  retireAfterDays: number;
  /** Most managed keys kept (newest first, the active key always); <= 0 disables the cap. */
  maxKeys: number;
  /** Any string; a value other than the one applied at the last rotation rotates once. */
  rotationTrigger?: string;
}

/** Policy defaults, as in the seed runbook (BFF_JWK_ROTATE/RETIRE_AFTER_DAYS, BFF_JWK_MAX_KEYS). */
export const DEFAULT_POLICY: Readonly<{ rotateAfterDays: 30; retireAfterDays: 60; maxKeys: 3 }> = Object.freeze({
  rotateAfterDays: 30,
  retireAfterDays: 60,
  maxKeys: 3,
});

/** What the planner knows about the keys. */
export interface KeyState {
  /** Keys this resource created, in any order. */
  managed: ManagedKey[];
  /** The `rotationTrigger` value at the last rotation. */
  appliedTrigger?: string;
  /** Every kid ever used by this resource; never reused. */
  usedKids?: string[];
}

/** The planner's decision. After applying it, the active key is `generate ?? keep[0]`. */
export interface KeyPlan {
  /** Managed keys that stay, newest first. */
  keep: ManagedKey[];
  /** The key to generate (it becomes active), or null. */
  generate: { alg: KeyAlgorithm; kid: string; createdAt: string } | null;
  /** Managed keys dropped, by age or by the cap. */
  retire: ManagedKey[];
  /** Short human sentences saying why. */
  reasons: string[];
}

/** How the first key (and only the first) is named. */
export interface KeyNaming {
  kidPrefix: string;
  /** Explicit kid for the first key this resource creates (seed BFF_KID). */
  kid?: string;
}

const DAY_MS = 86_400_000;
/** Largest instant a Date can hold (ECMA-262 §21.4.1.1). */
const MAX_TIME_MS = 8.64e15;

/** A managed key with its parsed creation time. */
interface Dated {
  key: ManagedKey;
  ms: number;
}

/**
 * Plans rotation, retirement and the cap at instant `now`.
 * @throws DcrError ERR_CONFIG naming the policy property when a number is not a whole number
 *   in range, or the algorithm is unknown; ERR_KEY when a managed key has no valid createdAt.
 */
export function planKeys(state: KeyState, policy: KeyPolicy, now: Date, naming: KeyNaming): KeyPlan {
  checkPolicy(policy);
  const t = instant(now);
  const dated = newestFirst(state.managed);
  const newest = dated[0];
  const reasons = rotationReasons(newest, state, policy, t);
  const generate = reasons.length > 0 ? newKey(state, policy, t, newest, naming) : null;

  const candidates = generate ? dated : dated.slice(1);
  const survivors: Dated[] = [];
  const retire: ManagedKey[] = [];
  for (const d of candidates) {
    const age = t - d.ms;
    if (policy.retireAfterDays > 0 && age >= policy.retireAfterDays * DAY_MS) {
      retire.push(copy(d.key));
      reasons.push(`key ${d.key.kid} is ${days(age)} days old (retireAfterDays=${policy.retireAfterDays})`);
    } else {
      survivors.push(d);
    }
  }
  if (policy.maxKeys > 0) {
    for (const d of survivors.splice(policy.maxKeys - 1)) {
      retire.push(copy(d.key));
      reasons.push(`key ${d.key.kid} is beyond the newest ${policy.maxKeys} (maxKeys=${policy.maxKeys})`);
    }
  }
  const kept = generate || !newest ? survivors : [newest, ...survivors];
  return { keep: kept.map((d) => copy(d.key)), generate, retire, reasons };
}

/**
 * The earliest instant at which {@link planKeys} would act because of time alone: the active
 * key reaching `rotateAfterDays` (when > 0) or a non-active key reaching `retireAfterDays`
 * (when > 0). Undefined when nothing time-based is pending (no keys, or both disabled).
 * `rotateAfterDays` = 0 is not reported: it rotates only when an update happens anyway.
 * @throws DcrError as {@link planKeys}.
 */
export function dueAt(state: KeyState, policy: KeyPolicy): Date | undefined {
  checkPolicy(policy);
  const [active, ...others] = newestFirst(state.managed);
  if (!active) return undefined;
  const due: number[] = [];
  if (policy.rotateAfterDays > 0) due.push(active.ms + policy.rotateAfterDays * DAY_MS);
  if (policy.retireAfterDays > 0) for (const d of others) due.push(d.ms + policy.retireAfterDays * DAY_MS);
  const first = Math.min(...due);
  return first <= MAX_TIME_MS ? new Date(first) : undefined;
}

/** The active key: the newest by createdAt (equal times: the greater kid; identical kids: the later in the list). */
export function activeKey(keys: ManagedKey[]): ManagedKey | undefined {
  return newestFirst(keys)[0]?.key;
}

/** Why a new key is needed now (empty = it is not). */
function rotationReasons(newest: Dated | undefined, state: KeyState, policy: KeyPolicy, t: number): string[] {
  if (!newest) return ["no managed key yet"];
  const reasons: string[] = [];
  const age = t - newest.ms;
  if (policy.rotateAfterDays === 0) {
    reasons.push("rotateAfterDays=0: a new key on every update");
  } else if (age >= policy.rotateAfterDays * DAY_MS) {
    reasons.push(`key ${newest.key.kid} is ${days(age)} days old (rotateAfterDays=${policy.rotateAfterDays})`);
  }
  if (policy.rotationTrigger !== undefined && policy.rotationTrigger !== state.appliedTrigger) {
    const was = state.appliedTrigger === undefined ? "unset" : JSON.stringify(state.appliedTrigger);
    reasons.push(`rotationTrigger changed from ${was} to ${JSON.stringify(policy.rotationTrigger)}`);
  }
  if (newest.key.alg !== policy.algorithm) {
    reasons.push(`key ${newest.key.kid} is ${newest.key.alg}, keyAlgorithm is ${policy.algorithm}`);
  }
  return reasons;
}

/**
 * The key to generate: created at `now` to the second (strictly after the newest key, should
 * that one carry a later time), with a kid never used before.
 */
function newKey(state: KeyState, policy: KeyPolicy, t: number, newest: Dated | undefined, naming: KeyNaming): NonNullable<KeyPlan["generate"]> {
  let at = Math.floor(t / 1000) * 1000;
  if (newest && at <= newest.ms) at = Math.floor(newest.ms / 1000) * 1000 + 1000;
  const createdAt = new Date(at);
  const taken = new Set([...(state.usedKids ?? []), ...state.managed.map((k) => k.kid)]);
  if (naming.kid !== undefined && (typeof naming.kid !== "string" || naming.kid === "")) {
    throw new DcrError("ERR_CONFIG", "\"kid\" must be a non-empty string");
  }
  const explicit = state.managed.length === 0 && naming.kid !== undefined && !taken.has(naming.kid);
  const kid = explicit ? (naming.kid as string) : makeKid(naming.kidPrefix, createdAt, taken);
  return { alg: policy.algorithm, kid, createdAt: createdAt.toISOString() };
}

/**
 * Keys with parsed times, newest first. Equal times are ordered by kid, greater first (so
 * `x-2` comes before `x`), which does not depend on list order: re-planning a kept set picks
 * the same active key. Only identical kids fall back to list order (later first).
 */
function newestFirst(keys: readonly ManagedKey[]): Dated[] {
  const dated = keys.map((key, i) => {
    const ms = Date.parse(key.createdAt);
    if (Number.isNaN(ms)) throw new DcrError("ERR_KEY", `managed key ${key.kid} has no valid createdAt (ISO-8601 expected)`);
    return { key, ms, i };
  });
  dated.sort((a, b) => b.ms - a.ms || compareDesc(a.key.kid, b.key.kid) || b.i - a.i);
  return dated.map(({ key, ms }) => ({ key, ms }));
}

function compareDesc(a: string, b: string): number {
  return a === b ? 0 : a < b ? 1 : -1;
}

function checkPolicy(policy: KeyPolicy): void {
  if (!(KEY_ALGORITHMS as readonly unknown[]).includes(policy.algorithm)) {
    throw new DcrError("ERR_CONFIG", `"keyAlgorithm" must be one of ${KEY_ALGORITHMS.join(", ")}; got ${String(policy.algorithm)}`);
  }
  wholeNumber("rotateAfterDays", policy.rotateAfterDays, 0, "days, 0 = a new key on every update");
  wholeNumber("retireAfterDays", policy.retireAfterDays, -Infinity, "days, <= 0 disables retirement");
  wholeNumber("maxKeys", policy.maxKeys, -Infinity, "<= 0 disables the cap");
}

function wholeNumber(property: string, value: unknown, min: number, meaning: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    const range = min === 0 ? "a whole number >= 0" : "a whole number";
    throw new DcrError("ERR_CONFIG", `"${property}" must be ${range} (${meaning}); got ${String(value)}`);
  }
}

function instant(now: Date): number {
  const t = now instanceof Date ? now.getTime() : NaN;
  if (Number.isNaN(t)) throw new DcrError("ERR_CONFIG", "the evaluation time (DCR_NOW) must be a valid ISO-8601 date");
  return t;
}

function days(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function copy(k: ManagedKey): ManagedKey {
  return { kid: k.kid, alg: k.alg, createdAt: k.createdAt };
}
