/**
 * The key planner: given the keys this resource manages, a policy and an instant, decide
 * whether to generate a new key (active at once, or published ahead and active later), whether
 * a key published ahead becomes active, which keys to retire by age, and which to drop to
 * respect the cap. Pure: time comes in as an argument; nothing is generated here.
 *
 * Keys the IdP holds that this resource did not create never reach the planner: callers keep
 * them, and they do not count against `maxKeys`.
 */
import type { KeyAlgorithm } from "../key-algorithms";
import { DEFAULTS } from "../defaults";
import { DcrError } from "../errors";
import { kidFor, type KidNaming } from "./kid";
import { policyProblems } from "./policy";
import { wholeSecondMs } from "./time";

/** A key this resource created (public facts only). */
export interface ManagedKey {
  kid: string;
  alg: KeyAlgorithm;
  /** ISO-8601 UTC creation time: when the key was generated and published. */
  createdAt: string;
  /** ISO-8601 UTC instant a key published ahead becomes active; present only while it waits (it does not sign yet). */
  activatesAt?: string;
  /** ISO-8601 UTC instant a key published ahead became active; absent for a key active from its creation. */
  activatedAt?: string;
}

/** Rotation policy, as the resource's arguments give it. */
export interface KeyPolicy {
  /** Algorithm of the active key; an active key of another algorithm is replaced. */
  algorithm: KeyAlgorithm;
  /**
   * Days a key is active before it is replaced, counted from its activation (its creation, or
   * for a key published ahead, when it became active); 0 = a new key on every update. Integer >= 0.
   */
  rotateAfterDays: number;
  /** Age in days (from creation) at which a non-active key is dropped; <= 0 disables retirement. */
  retireAfterDays: number;
  /** Most managed keys kept (newest first; the active key and a key published ahead always); <= 0 disables the cap. */
  maxKeys: number;
  /**
   * Days before the active key's rotation is due that the next key is published; it becomes
   * active on the due date, never before it has been published this long. 0 = a new key is
   * published and active at once. Integer >= 0, less than `rotateAfterDays`; absent: `DEFAULT_POLICY`.
   */
  publishAheadDays?: number;
  /** Any string; a value other than the one applied at the last rotation rotates once. */
  rotationTrigger?: string;
}

/** Policy defaults, as in the seed runbook (BFF_JWK_ROTATE/RETIRE_AFTER_DAYS, BFF_JWK_MAX_KEYS); publishing ahead is off. */
export const DEFAULT_POLICY = Object.freeze({
  rotateAfterDays: DEFAULTS.rotateAfterDays,
  retireAfterDays: DEFAULTS.retireAfterDays,
  maxKeys: DEFAULTS.maxKeys,
  publishAheadDays: DEFAULTS.publishAheadDays,
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

/** The planner's decision. After applying it, `activeKid` signs; a key with `activatesAt` waits. */
export interface KeyPlan {
  /** Managed keys that stay, newest first (a key published ahead that becomes active now carries `activatedAt`). */
  keep: ManagedKey[];
  /** The key to generate, or null: active at once, or (with `activatesAt`) published ahead of use. */
  generate: { alg: KeyAlgorithm; kid: string; createdAt: string; activatesAt?: string } | null;
  /** Managed keys dropped, by age or by the cap (or a key published ahead that an immediate rotation replaced). */
  retire: ManagedKey[];
  /** Short human sentences saying why. */
  reasons: string[];
  /** The key that signs once the plan is applied. */
  activeKid: string;
}

/** A time-based step of the planner: when it happens and to which key. */
export interface KeyEvent {
  at: Date;
  /**
   * `publish`: the next key is published ahead (`kid` is the active key it will replace);
   * `rotate`: a new key is published and active at once (`kid` is the key it replaces);
   * `activate`: the key published ahead, `kid`, starts signing; `retire`: `kid` is dropped by age.
   */
  kind: "publish" | "rotate" | "activate" | "retire";
  kid: string;
}

/** How the first key (and only the first) is named (plan/kid.ts {@link kidFor}). */
export type KeyNaming = KidNaming;

const DAY_MS = 86_400_000;
/** Largest instant a Date can hold (ECMA-262 §21.4.1.1). */
const MAX_TIME_MS = 8.64e15;

/** A managed key with its parsed times. */
interface Dated {
  key: ManagedKey;
  /** Creation. */
  ms: number;
  /** Activation: `activatedAt`, else creation. */
  actMs: number;
  /** `activatesAt`, while the key waits to become active. */
  waitMs?: number;
}

/**
 * Plans activation, rotation, retirement and the cap at instant `now`.
 * @throws DcrError ERR_CONFIG naming the policy property when the policy breaks a rule of
 *   plan/policy.ts (`policyProblems`); ERR_KEY when a managed key has no valid time.
 */
export function planKeys(state: KeyState, policy: KeyPolicy, now: Date, naming: KeyNaming): KeyPlan {
  checkPolicy(policy);
  const t = instant(now);
  const reasons: string[] = [];
  const dated = newestFirst(state.managed).map((d) => activateIfDue(d, t, reasons));
  const current = dated.find((d) => d.waitMs === undefined);
  // A key waiting to become active that is older than the active key was overtaken by an
  // immediate rotation (e.g. an imported signingKeyPem): it never becomes active.
  const overtaken = dated.filter(
    (d) => d.waitMs !== undefined && current !== undefined && dated.indexOf(d) > dated.indexOf(current),
  );
  const waiting = dated.filter((d) => d.waitMs !== undefined && !overtaken.includes(d));
  const need = rotationNeed(current, waiting.length > 0, state, policy, t);
  reasons.push(...need.reasons);
  const generate = need.mode === null ? null : newKey(state, policy, t, dated[0], naming);
  if (generate && need.mode === "ahead") {
    generate.activatesAt = new Date(
      Math.max(need.dueMs, Date.parse(generate.createdAt) + aheadDays(policy) * DAY_MS),
    ).toISOString();
    reasons.push(
      `key ${generate.kid} is published now and becomes the active key at ${generate.activatesAt} (publishAheadDays=${aheadDays(policy)})`,
    );
  }
  const replaced = generate && need.mode === "now" ? waiting : [];
  const dropped = [...overtaken, ...replaced];
  const retire = dropped.map((d) => copyKey(d.key));
  for (const d of overtaken)
    reasons.push(`key ${d.key.kid} was published ahead but is dropped: key ${current?.key.kid} became active after it`);
  for (const d of replaced)
    reasons.push(`key ${d.key.kid} was published ahead but is dropped: key ${generate?.kid} is active at once`);

  // Keys that neither age out nor yield to the cap: the active key (unless replaced now) and
  // keys waiting to become active (unless an immediate rotation dropped them).
  const fixed = need.mode === "now" || !current ? [] : [current, ...waiting];
  const survivors: Dated[] = [];
  for (const d of dated) {
    if (fixed.includes(d) || dropped.includes(d)) continue;
    const age = t - d.ms;
    if (policy.retireAfterDays > 0 && age >= policy.retireAfterDays * DAY_MS) {
      retire.push(copyKey(d.key));
      reasons.push(`key ${d.key.kid} is ${days(age)} days old (retireAfterDays=${policy.retireAfterDays})`);
    } else {
      survivors.push(d);
    }
  }
  if (policy.maxKeys > 0) {
    const taken = fixed.length + (generate ? 1 : 0);
    for (const d of survivors.splice(Math.max(0, policy.maxKeys - taken))) {
      retire.push(copyKey(d.key));
      reasons.push(`key ${d.key.kid} is beyond the newest ${policy.maxKeys} (maxKeys=${policy.maxKeys})`);
    }
  }
  const kept = new Set([...fixed, ...survivors]);
  const activeKid = generate && need.mode === "now" ? generate.kid : (current as Dated).key.kid;
  return { keep: dated.filter((d) => kept.has(d)).map((d) => copyKey(d.key)), generate, retire, reasons, activeKid };
}

/**
 * The planner's time-based steps still ahead for this state, earliest first: activation of a
 * key published ahead; else the active key's next rotation — publication of the next key
 * `publishAheadDays` before it is due, or with 0 the rotation itself (not with
 * `rotateAfterDays` = 0: that rotates only when an update happens anyway); and each other key's
 * retirement (when `retireAfterDays` > 0). Events already due are included (their time has passed).
 * @throws DcrError as {@link planKeys}.
 */
export function dueEvents(state: KeyState, policy: KeyPolicy): KeyEvent[] {
  checkPolicy(policy);
  const dated = newestFirst(state.managed);
  const active = dated.find((d) => d.waitMs === undefined);
  if (!active) return [];
  const events: { ms: number; kind: KeyEvent["kind"]; kid: string }[] = [];
  const waiting = dated.slice(0, dated.indexOf(active)); // newer than the active key, so all waiting
  for (const w of waiting) events.push({ ms: w.waitMs as number, kind: "activate", kid: w.key.kid });
  if (waiting.length === 0 && policy.rotateAfterDays > 0) {
    const ahead = aheadDays(policy);
    events.push({
      ms: active.actMs + (policy.rotateAfterDays - ahead) * DAY_MS,
      kind: ahead > 0 ? "publish" : "rotate",
      kid: active.key.kid,
    });
  }
  if (policy.retireAfterDays > 0) {
    for (const d of dated) {
      if (d !== active && d.waitMs === undefined)
        events.push({ ms: d.ms + policy.retireAfterDays * DAY_MS, kind: "retire", kid: d.key.kid });
    }
  }
  return events
    .filter((e) => e.ms <= MAX_TIME_MS)
    .sort((a, b) => a.ms - b.ms)
    .map((e) => ({ at: new Date(e.ms), kind: e.kind, kid: e.kid }));
}

/**
 * The earliest instant at which {@link planKeys} would act because of time alone (the first of
 * {@link dueEvents}). Undefined when nothing time-based is pending (no active key, or rotation
 * and retirement both disabled).
 * @throws DcrError as {@link planKeys}.
 */
export function dueAt(state: KeyState, policy: KeyPolicy): Date | undefined {
  return dueEvents(state, policy)[0]?.at;
}

/**
 * The active key: the newest by createdAt among keys not waiting to become active (equal times:
 * the greater kid; identical kids: the later in the list).
 */
export function activeKey(keys: ManagedKey[]): ManagedKey | undefined {
  return newestFirst(keys).find((d) => d.waitMs === undefined)?.key;
}

/** The state after `plan` is applied: the generated key joins, retired keys leave, their kids stay used. */
export function applyPlan(state: KeyState, plan: KeyPlan, policy: KeyPolicy): KeyState {
  const managed = plan.generate ? [copyKey(plan.generate), ...plan.keep.map(copyKey)] : plan.keep.map(copyKey);
  const usedKids = [
    ...new Set([...(state.usedKids ?? []), ...state.managed.map((k) => k.kid), ...managed.map((k) => k.kid)]),
  ];
  const next: KeyState = { managed, usedKids };
  const trigger = triggerAfter(policy, state.appliedTrigger);
  if (trigger !== undefined) next.appliedTrigger = trigger;
  return next;
}

/** The rotationTrigger recorded as applied after a run: the policy's, else the one applied before. */
export function triggerAfter(policy: Pick<KeyPolicy, "rotationTrigger">, applied?: string): string | undefined {
  return policy.rotationTrigger ?? applied;
}

/** A key published ahead whose activation time has come becomes active at `t` (to the second). */
function activateIfDue(d: Dated, t: number, reasons: string[]): Dated {
  if (d.waitMs === undefined || d.waitMs > t) return d;
  const at = wholeSecondMs(t);
  const { activatesAt, ...rest } = d.key;
  reasons.push(
    `key ${d.key.kid}, published ahead at ${d.key.createdAt}, becomes the active key (due at ${activatesAt as string})`,
  );
  return { key: { ...rest, activatedAt: new Date(at).toISOString() }, ms: d.ms, actMs: at };
}

/**
 * Whether a new key is needed: "now" (it is active at once), "ahead" (it is published and waits
 * until `dueMs`), or not at all; with the reasons. A key already waiting stands for the next
 * rotation, so time alone never asks for a second one.
 */
function rotationNeed(
  current: Dated | undefined,
  hasWaiting: boolean,
  state: KeyState,
  policy: KeyPolicy,
  t: number,
): { mode: "now" | "ahead" | null; dueMs: number; reasons: string[] } {
  if (!current) return { mode: "now", dueMs: t, reasons: [hasWaiting ? "no active key yet" : "no managed key yet"] };
  const reasons: string[] = [];
  let mode: "now" | "ahead" | null = null;
  const dueMs = current.actMs + policy.rotateAfterDays * DAY_MS;
  const ahead = aheadDays(policy);
  if (policy.rotateAfterDays === 0) {
    reasons.push("rotateAfterDays=0: a new key on every update");
    mode = "now";
  } else if (!hasWaiting && ahead === 0 && t >= dueMs) {
    const activeFor =
      current.key.activatedAt === undefined
        ? `is ${days(t - current.ms)} days old`
        : `has been active ${days(t - current.actMs)} days`;
    reasons.push(`key ${current.key.kid} ${activeFor} (rotateAfterDays=${policy.rotateAfterDays})`);
    mode = "now";
  } else if (!hasWaiting && ahead > 0 && t >= dueMs - ahead * DAY_MS) {
    reasons.push(
      `key ${current.key.kid} is due to rotate at ${new Date(dueMs).toISOString()} (rotateAfterDays=${policy.rotateAfterDays})`,
    );
    mode = "ahead";
  }
  if (policy.rotationTrigger !== undefined && policy.rotationTrigger !== state.appliedTrigger) {
    const was = state.appliedTrigger === undefined ? "unset" : JSON.stringify(state.appliedTrigger);
    reasons.push(`rotationTrigger changed from ${was} to ${JSON.stringify(policy.rotationTrigger)}`);
    mode = "now";
  }
  if (current.key.alg !== policy.algorithm) {
    reasons.push(`key ${current.key.kid} is ${current.key.alg}, keyAlgorithm is ${policy.algorithm}`);
    mode = "now";
  }
  return { mode, dueMs, reasons };
}

/**
 * The key to generate: created at `now` to the second (strictly after the newest key, should
 * that one carry a later time), with a kid never used before.
 */
function newKey(
  state: KeyState,
  policy: KeyPolicy,
  t: number,
  newest: Dated | undefined,
  naming: KeyNaming,
): NonNullable<KeyPlan["generate"]> {
  let at = wholeSecondMs(t);
  if (newest && at <= newest.ms) at = wholeSecondMs(newest.ms) + 1000;
  const createdAt = new Date(at);
  const taken = new Set([...(state.usedKids ?? []), ...state.managed.map((k) => k.kid)]);
  return { alg: policy.algorithm, kid: kidFor(naming, createdAt, taken), createdAt: createdAt.toISOString() };
}

/**
 * Keys with parsed times, newest first. Equal times are ordered by kid, greater first (so
 * `x-2` comes before `x`), which does not depend on list order: re-planning a kept set picks
 * the same active key. Only identical kids fall back to list order (later first).
 */
function newestFirst(keys: readonly ManagedKey[]): Dated[] {
  const dated = keys.map((key, i) => {
    const ms = Date.parse(key.createdAt);
    if (Number.isNaN(ms))
      throw new DcrError("ERR_KEY", `managed key ${key.kid} has no valid createdAt (ISO-8601 expected)`);
    const d: Dated & { i: number } = { key, ms, actMs: optionalTime(key, "activatedAt") ?? ms, i };
    const waitMs = optionalTime(key, "activatesAt");
    if (waitMs !== undefined) d.waitMs = waitMs;
    return d;
  });
  dated.sort((a, b) => b.ms - a.ms || compareDesc(a.key.kid, b.key.kid) || b.i - a.i);
  return dated.map(({ i: _i, ...d }) => d);
}

function optionalTime(key: ManagedKey, field: "activatesAt" | "activatedAt"): number | undefined {
  const raw = key[field];
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms))
    throw new DcrError("ERR_KEY", `managed key ${key.kid} has no valid ${field} (ISO-8601 expected)`);
  return ms;
}

function compareDesc(a: string, b: string): number {
  return a === b ? 0 : a < b ? 1 : -1;
}

function aheadDays(policy: Pick<KeyPolicy, "publishAheadDays">): number {
  return policy.publishAheadDays ?? DEFAULT_POLICY.publishAheadDays;
}

/** Refuses a policy that breaks a rule of plan/policy.ts, naming the first property at fault. */
function checkPolicy(policy: KeyPolicy): void {
  const [problem] = policyProblems({ ...policy, publishAheadDays: aheadDays(policy) });
  if (problem) throw new DcrError("ERR_CONFIG", `"${problem.property}" ${problem.reason}`);
}

function instant(now: Date): number {
  const t = now instanceof Date ? now.getTime() : NaN;
  if (Number.isNaN(t)) throw new DcrError("ERR_CONFIG", "the evaluation time (DCR_NOW) must be a valid ISO-8601 date");
  return t;
}

function days(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** A copy of a key record with only its own fields (the optional activation times when set). */
export function copyKey(k: ManagedKey): ManagedKey {
  const out: ManagedKey = { kid: k.kid, alg: k.alg, createdAt: k.createdAt };
  if (k.activatesAt !== undefined) out.activatesAt = k.activatesAt;
  if (k.activatedAt !== undefined) out.activatedAt = k.activatedAt;
  return out;
}
