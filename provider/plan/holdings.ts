/**
 * The keyring's policy decisions, pure: which keys found at an IdP are inherited, when a
 * bring-your-own key is imported and under which kid, how the planner is asked when it joins in
 * this run, and when (and as what) a key of ours must be added because the one that would sign has
 * no private half here (a key inherited from an adopted client). keyring.ts carries them out.
 */
import type { KeyAlgorithm } from "../key-algorithms";
import type { Jwks } from "../types";
import { kidFor, kidTime, type KidNaming } from "./kid";
import { planKeys, type KeyNaming, type KeyPlan, type KeyPolicy, type KeyState, type ManagedKey } from "./keys";
import { wholeSecond } from "./time";

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
  return { plan: planKeys(state, effective, now, naming), used };
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

/**
 * Keys found at the IdP whose kid carries a creation time (e.g. from an adopted client) are
 * "inherited": aged, retired and capped like ours, but never active (we lack their private key).
 * Keys whose kid carries no time stay foreign (kept as they are, never counted).
 */
export function inheritedKeys(idp: Jwks, algorithm: KeyAlgorithm): ManagedKey[] {
  const out: ManagedKey[] = [];
  for (const k of idp.keys) {
    const t = typeof k.kid === "string" ? kidTime(k.kid) : undefined;
    if (t) out.push({ kid: k.kid, alg: (k.alg as KeyAlgorithm | undefined) ?? algorithm, createdAt: t.toISOString() });
  }
  return out;
}

/**
 * Whether a bring-your-own key is imported in this run: only when its PEM is new to this resource
 * (its thumbprint differs from the one recorded at the last create/update).
 */
export function importsOwnKey(thumbprint: string | undefined, previousThumbprint: string | undefined): boolean {
  return thumbprint !== undefined && thumbprint !== previousThumbprint;
}

/** The kid and creation time (now, to the second) of a key added in this run, by the one kid rule. */
export function addedKeyName(naming: KidNaming, now: Date, taken: Iterable<string>): { kid: string; createdAt: Date } {
  const createdAt = wholeSecond(now);
  return { kid: kidFor(naming, createdAt, new Set(taken)), createdAt };
}
