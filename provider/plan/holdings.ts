/**
 * The keyring's policy decisions, pure: how the planner is asked when a bring-your-own key joins
 * in this run, and when a key of ours must be added because the one that would sign has no private
 * half here (a key inherited from an adopted client). keyring.ts carries the decisions out.
 */
import type { KeyAlgorithm } from "../crypto";
import { planKeys, type KeyNaming, type KeyPlan, type KeyPolicy, type KeyState, type ManagedKey } from "./keys";

/**
 * rotateAfterDays while a key imported in this run is planned: "rotate now" (0) must not replace
 * it at once with a generated key, so for that run the key is never due (100 years).
 */
export const NEVER_DUE_DAYS = 36_500;

/** What state holds about keys, as far as planning needs it (public facts only). */
export interface PlanHoldings {
  keys: ManagedKey[];
  usedKids: string[];
  appliedTrigger?: string;
}

/** A key imported in this run (bring your own), public facts only. */
export interface ImportedKey {
  kid: string;
  alg: KeyAlgorithm;
  createdAt: string;
}

/**
 * The plan for `held` at `now`, with `own` (imported in this run) as the newest key: importing
 * it IS this run's rotation, so a changed rotationTrigger counts as applied and "rotate now" does
 * not supersede it. An explicit kid names only the very first key this resource creates.
 * Returns the plan and every kid used so far (never reused).
 */
export function planHoldings(
  held: PlanHoldings,
  policy: KeyPolicy,
  now: Date,
  naming: KeyNaming,
  own?: ImportedKey,
): { plan: KeyPlan; used: string[] } {
  const records = own ? [{ kid: own.kid, alg: own.alg, createdAt: own.createdAt }, ...held.keys] : [...held.keys];
  const used = [...new Set([...held.usedKids, ...records.map((k) => k.kid)])];
  const state: KeyState = { managed: records, usedKids: used };
  if (held.appliedTrigger !== undefined) state.appliedTrigger = held.appliedTrigger;
  let effective = policy;
  if (own) {
    if (policy.rotationTrigger !== undefined) state.appliedTrigger = policy.rotationTrigger;
    if (policy.rotateAfterDays === 0) effective = { ...policy, rotateAfterDays: NEVER_DUE_DAYS };
  }
  const firstKey = held.keys.length === 0 && !own && held.usedKids.length === 0;
  return { plan: planKeys(state, effective, now, firstKey ? naming : { kidPrefix: naming.kidPrefix }), used };
}

/**
 * True when the key the plan makes active has no private half here — neither generated in this
 * run, nor imported (`ownKid`), nor held (`privateKids`): it was inherited from an adopted
 * client, and a key of ours must be added to sign.
 */
export function needsSignerOfOurs(plan: KeyPlan, privateKids: ReadonlySet<string>, ownKid?: string): boolean {
  const signer = plan.activeKid;
  return signer !== plan.generate?.kid && !privateKids.has(signer) && signer !== ownKid;
}
