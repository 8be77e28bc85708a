/**
 * Pure JWK Set composition: which keys we publish, which keys at the IdP are not ours, and
 * whether the IdP's set has drifted from what we manage.
 */
import type { PublicJwk } from "../crypto";
import type { Jwks, KeyRecord } from "../types";

/** Keys the IdP holds that this resource never managed: kept as they are, never counted. */
export function foreignKeys(idp: Jwks | undefined, usedKids: readonly string[]): PublicJwk[] {
  const used = new Set(usedKids);
  return (idp?.keys ?? []).filter((k) => typeof k.kid !== "string" || !used.has(k.kid));
}

/**
 * The set to publish: our managed keys (newest first, public halves from `publicByKid`),
 * then the foreign keys. A managed key whose public half is unknown is skipped.
 */
export function composeJwks(
  managed: readonly KeyRecord[],
  publicByKid: ReadonlyMap<string, PublicJwk>,
  foreign: readonly PublicJwk[],
): Jwks {
  const ours = managed.map((k) => publicByKid.get(k.kid)).filter((k): k is PublicJwk => k !== undefined);
  return { keys: [...ours, ...foreign] };
}

/**
 * Drift of the IdP's key set: a managed key missing there, or a key we retired back there.
 * Returns human-readable reasons (empty = no drift).
 */
export function keyDrift(managed: readonly KeyRecord[], idp: Jwks | undefined, usedKids: readonly string[]): string[] {
  const atIdp = new Set((idp?.keys ?? []).map((k) => k.kid));
  const managedKids = new Set(managed.map((k) => k.kid));
  const reasons: string[] = [];
  for (const k of managed) if (!atIdp.has(k.kid)) reasons.push(`key ${k.kid} is missing at the IdP`);
  for (const kid of usedKids) {
    if (!managedKids.has(kid) && atIdp.has(kid)) reasons.push(`retired key ${kid} is back at the IdP`);
  }
  return reasons;
}
