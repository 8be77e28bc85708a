/**
 * Carries out a key plan: generates (or imports) key material and exports it in the forms state
 * records — records, the active private JWK and PEM, public halves, used kids. Every decision
 * (which keys, which kid, which public half, what is dropped, which key is next) comes from
 * plan/holdings.ts, plan/keys.ts and plan/ring.ts.
 */
import { DcrError } from "./errors";
import {
  generateKeyMaterial,
  importPrivateKeyPem,
  keyMaterialFromPrivateJwk,
  toPublicJwk,
  type KeyAlgorithm,
  type KeyMaterial,
  type PublicJwk,
} from "./crypto";
import { addedKeyName, needsSignerOfOurs, planHoldings } from "./plan/holdings";
import { triggerAfter, type KeyPlan, type KeyPolicy } from "./plan/keys";
import type { KidNaming } from "./plan/kid";
import { keptKids, planRing, publicHalves } from "./plan/ring";
import type { Jwks, KeyRecord } from "./types";

/** What state holds about keys before a change. */
export interface KeyHoldings {
  keys: KeyRecord[];
  privateJwks: Jwks<Record<string, unknown>>;
  /** The IdP's public set (for public halves of inherited keys). */
  jwks: Jwks;
  usedKids: string[];
  appliedTrigger?: string;
  privateKeyPem?: string;
  activeKid?: string;
  /** The key published ahead of use, and its private PEM (kept until it becomes active). */
  nextKid?: string;
  nextPrivateKeyPem?: string;
}

/** Key state after a plan is applied. */
export interface Keyring {
  records: KeyRecord[];
  privateJwks: Jwks<Record<string, unknown>>;
  publicByKid: Map<string, PublicJwk>;
  activeKid: string;
  privateKeyPem: string;
  usedKids: string[];
  appliedTrigger?: string;
  plan: KeyPlan;
  /** The key published ahead of use (it does not sign yet), when there is one. */
  next?: NextKey;
}

/** A key published ahead of use. */
export interface NextKey {
  kid: string;
  /** ISO-8601 instant it becomes the active key. */
  activatesAt: string;
  /** PKCS#8 PEM (secret), so an application can load it before it signs. */
  privateKeyPem: string;
}

/** Holdings of a client that has no keys yet. */
export const NO_KEYS: KeyHoldings = { keys: [], privateJwks: { keys: [] }, jwks: { keys: [] }, usedKids: [] };

/** Imports a bring-your-own key as the newest key, named by the one kid rule (plan/holdings.ts). */
export async function importOwnKey(
  pem: string,
  alg: KeyAlgorithm,
  naming: KidNaming,
  taken: Iterable<string>,
  now: Date,
): Promise<KeyMaterial> {
  const { kid, createdAt } = addedKeyName(naming, now, taken);
  return importPrivateKeyPem(pem, alg, kid, createdAt);
}

/**
 * Plan and apply: `own` (a freshly imported BYO key) joins as the newest key first; then the
 * planner decides generation, retirement and the cap, and plan/ring.ts what the ring holds.
 */
export async function applyKeys(
  held: KeyHoldings,
  policy: KeyPolicy,
  now: Date,
  naming: KidNaming,
  own?: KeyMaterial,
): Promise<Keyring> {
  const hasPrivate = new Set(held.privateJwks.keys.map((j) => j.kid as string));
  if (held.nextKid !== undefined && held.nextPrivateKeyPem !== undefined) hasPrivate.add(held.nextKid);
  let planned = planHoldings(held, policy, now, naming, own);
  if (needsSignerOfOurs(planned.plan, hasPrivate, own?.kid)) {
    // The active key is inherited (no private half here): add a fresh key of ours as active.
    const { kid, createdAt } = addedKeyName({ kidPrefix: naming.kidPrefix }, now, planned.used);
    own = await generateKeyMaterial(policy.algorithm, kid, createdAt);
    planned = planHoldings(held, policy, now, naming, own);
  }
  const { plan, used } = planned;
  const materials = new Map<string, KeyMaterial>();
  if (own) materials.set(own.kid, own);
  if (plan.generate) {
    const g = plan.generate;
    materials.set(g.kid, await generateKeyMaterial(g.alg, g.kid, new Date(g.createdAt)));
    used.push(g.kid);
  }
  const kept = keptKids(plan);
  const heldNext = await heldNextKey(held, kept);
  if (heldNext) materials.set(heldNext.kid, heldNext);

  const publicByKid = publicHalves(kept, [
    held.jwks.keys,
    held.privateJwks.keys.filter((j) => kept.has(j.kid as string)).map(toPublicJwk),
    [...materials.values()].map((m) => m.publicJwk),
  ]);
  const shape = planRing(plan, new Set(publicByKid.keys()), new Set(materials.keys()));
  const active = shape.records.find((k) => k.kid === shape.activeKid) as KeyRecord;
  const activeJwk = materials.get(active.kid)?.privateJwk ?? held.privateJwks.keys.find((j) => j.kid === active.kid);
  const privateJwks = activeJwk === undefined ? [] : [activeJwk];
  const ring: Keyring = {
    records: shape.records,
    privateJwks: { keys: privateJwks },
    publicByKid,
    activeKid: active.kid,
    privateKeyPem: await activePem(active, held, materials, privateJwks),
    usedKids: used,
    plan: shape.plan,
  };
  const next = shape.nextKid !== undefined ? shape.records.find((k) => k.kid === shape.nextKid) : undefined;
  const nextMaterial = next && materials.get(next.kid);
  if (next && nextMaterial) {
    ring.next = { kid: next.kid, activatesAt: next.activatesAt as string, privateKeyPem: nextMaterial.privateKeyPem };
  }
  const trigger = triggerAfter(policy, held.appliedTrigger);
  if (trigger !== undefined) ring.appliedTrigger = trigger;
  return ring;
}

/** The active key's PEM: made in this run, else held, else rebuilt from its private JWK. */
async function activePem(
  active: KeyRecord,
  held: KeyHoldings,
  materials: Map<string, KeyMaterial>,
  privateJwks: Record<string, unknown>[],
): Promise<string> {
  const fresh = materials.get(active.kid);
  if (fresh) return fresh.privateKeyPem;
  if (held.activeKid === active.kid && held.privateKeyPem) return held.privateKeyPem;
  const jwk = privateJwks.find((j) => j.kid === active.kid);
  if (!jwk) throw new Error(`no private key is held for the active key ${active.kid}`);
  return (await keyMaterialFromPrivateJwk(jwk, active.createdAt)).privateKeyPem;
}

/** The held key published ahead, from its private PEM, when the plan keeps it (waiting or now active). */
async function heldNextKey(held: KeyHoldings, kept: ReadonlySet<string>): Promise<KeyMaterial | undefined> {
  const { nextKid, nextPrivateKeyPem } = held;
  if (nextKid === undefined || nextPrivateKeyPem === undefined || !kept.has(nextKid)) return undefined;
  const record = held.keys.find((k) => k.kid === nextKid);
  if (!record) return undefined;
  try {
    const m = await importPrivateKeyPem(nextPrivateKeyPem, record.alg, nextKid, new Date(record.createdAt));
    return { ...m, privateKeyPem: nextPrivateKeyPem }; // the very PEM an application may have pre-loaded
  } catch (e) {
    throw new DcrError(
      "ERR_KEY",
      `the private key of ${nextKid} (the key published ahead, nextPrivateKeyPem in state) cannot be read`,
      { cause: e },
    );
  }
}
