/**
 * What a keyring holds once a key plan is applied, pure: which public half each kept key is
 * published with (and in what order the sources win), which kept keys are dropped because their
 * public half is known nowhere (with the reason, like any other retirement), which private half is
 * kept (the active key's only), and which key is published ahead. keyring.ts only moves key
 * material accordingly.
 */
import type { PublicJwk } from "../crypto";
import type { KeyPlan, ManagedKey } from "./keys";
import { copyKey } from "./keys";

/** The keyring's shape after a plan. */
export interface RingPlan {
  /** The plan, with keys dropped for want of a public half added to `retire` and `reasons`. */
  plan: KeyPlan;
  /** Keys kept and published, newest first (the active key always). */
  records: ManagedKey[];
  /** The key that signs; the only one whose private half is kept. */
  activeKid: string;
  /** The key published ahead of use whose private half is in hand (activating first), if any. */
  nextKid?: string;
}

/**
 * Public halves of `kids`, from `sources` in rising precedence — the IdP's set (or, with jwksUri,
 * the served set), then halves derived from state's private JWKs (state written before private
 * halves were pruned), then keys made or read in this run (so drift at the IdP cannot lose them).
 */
export function publicHalves(
  kids: ReadonlySet<string>,
  sources: readonly (readonly PublicJwk[])[],
): Map<string, PublicJwk> {
  const out = new Map<string, PublicJwk>();
  for (const source of sources) for (const k of source) if (kids.has(k.kid)) out.set(k.kid, k);
  return out;
}

/** The kids a plan keeps (the generated key first). */
export function keptKids(plan: KeyPlan): Set<string> {
  return new Set([...(plan.generate ? [plan.generate.kid] : []), ...plan.keep.map((k) => k.kid)]);
}

/**
 * The ring for `plan`: `published` are the kids with a known public half, `inHand` those whose
 * private half this run holds as a PEM (generated, imported, or the held key published ahead).
 * An older key whose public half is known nowhere any more (removed at the IdP out of band) is
 * retired rather than re-published, and says so in the reasons.
 * @throws Error when the plan keeps no active key (the planner guarantees one).
 */
export function planRing(plan: KeyPlan, published: ReadonlySet<string>, inHand: ReadonlySet<string>): RingPlan {
  const kept: ManagedKey[] = plan.generate ? [copyKey(plan.generate), ...plan.keep] : [...plan.keep];
  if (!kept.some((k) => k.kid === plan.activeKid)) throw new Error("key planner kept no active key");
  const records = kept.filter((k) => k.kid === plan.activeKid || published.has(k.kid)).map(copyKey);
  const dropped = kept.filter((k) => k.kid !== plan.activeKid && !published.has(k.kid));
  const ring: RingPlan = {
    plan: {
      ...plan,
      retire: [...plan.retire, ...dropped.map(copyKey)],
      reasons: [
        ...plan.reasons,
        ...dropped.map(
          (k) => `key ${k.kid} is dropped: its public half is known nowhere (removed at the IdP out of band)`,
        ),
      ],
    },
    records,
    activeKid: plan.activeKid,
  };
  const next = records
    .filter((k) => k.activatesAt !== undefined && inHand.has(k.kid))
    .sort((a, b) => Date.parse(a.activatesAt as string) - Date.parse(b.activatesAt as string))[0];
  if (next) ring.nextKid = next.kid;
  return ring;
}
