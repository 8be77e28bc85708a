/**
 * Carries out a key plan: generates (or imports) key material, and assembles what state
 * records about keys — records, private JWKs, public halves, the active PEM, used kids.
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
import { kidTime, makeKid } from "./plan/kid";
import { needsSignerOfOurs, planHoldings } from "./plan/holdings";
import { copyKey, type KeyPlan, type KeyPolicy } from "./plan/keys";
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

/**
 * Keys found at the IdP whose kid carries a creation time (e.g. from an adopted client) are
 * "inherited": aged, retired and capped like ours, but never active (we lack their private key).
 */
export function inheritedKeys(idp: Jwks, algorithm: KeyAlgorithm): KeyRecord[] {
  const out: KeyRecord[] = [];
  for (const k of idp.keys) {
    const t = typeof k.kid === "string" ? kidTime(k.kid) : undefined;
    if (t) out.push({ kid: k.kid, alg: (k.alg as KeyAlgorithm | undefined) ?? algorithm, createdAt: t.toISOString() });
  }
  return out;
}

/** A bring-your-own key to add as the newest key, when its PEM is new. */
export async function importOwnKey(
  pem: string,
  alg: KeyAlgorithm,
  naming: { kidPrefix: string; kid?: string },
  taken: ReadonlySet<string>,
  now: Date,
): Promise<KeyMaterial> {
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const kid = naming.kid !== undefined && !taken.has(naming.kid) ? naming.kid : makeKid(naming.kidPrefix, at, taken);
  return importPrivateKeyPem(pem, alg, kid, at);
}

/**
 * Plan and apply: `own` (a freshly imported BYO key) joins as the newest key first; then the
 * planner decides generation, retirement and the cap.
 */
export async function applyKeys(
  held: KeyHoldings,
  policy: KeyPolicy,
  now: Date,
  naming: { kidPrefix: string; kid?: string },
  own?: KeyMaterial,
): Promise<Keyring> {
  const hasPrivate = new Set(held.privateJwks.keys.map((j) => j.kid as string));
  if (held.nextKid !== undefined && held.nextPrivateKeyPem !== undefined) hasPrivate.add(held.nextKid);
  let planned = planHoldings(held, policy, now, naming, own);
  if (needsSignerOfOurs(planned.plan, hasPrivate, own?.kid)) {
    // The active key is inherited (no private half here): add a fresh key of ours as active.
    const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
    own = await generateKeyMaterial(policy.algorithm, makeKid(naming.kidPrefix, at, new Set(planned.used)), at);
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
  const kept = plan.generate ? [plan.generate, ...plan.keep] : plan.keep;
  const keptKids = new Set(kept.map((k) => k.kid));
  const heldNext = await heldNextKey(held, keptKids);
  if (heldNext) materials.set(heldNext.kid, heldNext);

  // Public halves: the IdP's set (or, with jwksUri, the served set), then our own private
  // JWKs (state written before private halves were pruned), then keys made in this run and the
  // key published ahead (from its private half, so drift at the IdP cannot lose it).
  const publicByKid = new Map<string, PublicJwk>();
  for (const k of held.jwks.keys) if (keptKids.has(k.kid)) publicByKid.set(k.kid, k);
  for (const jwk of held.privateJwks.keys)
    if (keptKids.has(jwk.kid as string)) publicByKid.set(jwk.kid as string, toPublicJwk(jwk));
  for (const m of materials.values()) if (keptKids.has(m.kid)) publicByKid.set(m.kid, m.publicJwk);

  const active = kept.find((k) => k.kid === plan.activeKid);
  if (!active) throw new Error("key planner kept no active key"); // planner guarantees an active key
  // Only the active key signs, so only its private half is kept (and the next key's, as
  // nextPrivateKeyPem): a rotated-out key's private half is discarded (less secret material at
  // rest, ~1.8 KB less state per RSA key). An older key whose public half is known nowhere any
  // more (removed at the IdP out of band) is dropped as retired rather than re-published.
  const activeJwk = materials.get(active.kid)?.privateJwk ?? held.privateJwks.keys.find((j) => j.kid === active.kid);
  const privateJwks = activeJwk === undefined ? [] : [activeJwk];
  const privateKeyPem = await activePem(active.kid, held, materials, privateJwks);
  const records = kept.filter((k) => k.kid === active.kid || publicByKid.has(k.kid));
  const ring: Keyring = {
    records: records.map(copyKey),
    privateJwks: { keys: privateJwks },
    publicByKid,
    activeKid: active.kid,
    privateKeyPem,
    usedKids: used,
    plan,
  };
  const next = nextOf(records, materials);
  if (next) ring.next = next;
  const trigger = policy.rotationTrigger ?? held.appliedTrigger;
  if (trigger !== undefined) ring.appliedTrigger = trigger;
  return ring;
}

async function activePem(
  kid: string,
  held: KeyHoldings,
  materials: Map<string, KeyMaterial>,
  privateJwks: Record<string, unknown>[],
): Promise<string> {
  const fresh = materials.get(kid);
  if (fresh) return fresh.privateKeyPem;
  if (held.activeKid === kid && held.privateKeyPem) return held.privateKeyPem;
  const jwk = privateJwks.find((j) => j.kid === kid);
  if (!jwk) throw new Error(`no private key is held for the active key ${kid}`);
  return (await keyMaterialFromPrivateJwk(jwk, new Date().toISOString())).privateKeyPem;
}

/** The held key published ahead, from its private PEM, when the plan keeps it (waiting or now active). */
async function heldNextKey(held: KeyHoldings, keptKids: ReadonlySet<string>): Promise<KeyMaterial | undefined> {
  const { nextKid, nextPrivateKeyPem } = held;
  if (nextKid === undefined || nextPrivateKeyPem === undefined || !keptKids.has(nextKid)) return undefined;
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

/** The key published ahead among `records` (the one activating first), with its private PEM. */
function nextOf(records: readonly KeyRecord[], materials: ReadonlyMap<string, KeyMaterial>): NextKey | undefined {
  const waiting = records
    .filter((k) => k.activatesAt !== undefined)
    .sort((a, b) => Date.parse(a.activatesAt as string) - Date.parse(b.activatesAt as string));
  for (const k of waiting) {
    const m = materials.get(k.kid);
    if (m) return { kid: k.kid, activatesAt: k.activatesAt as string, privateKeyPem: m.privateKeyPem };
  }
  return undefined;
}
