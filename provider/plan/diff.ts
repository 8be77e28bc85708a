/**
 * Pure diff: old outputs (what the IdP held at the last create/update/refresh) against the new
 * desired record, plus time. Input changes come from ONE record of the desired fields, drift from
 * the owned members (owned.ts) judged against what the IdP answered (applied.ts).
 */
import type { DcrOutputs, DesiredRecord, Jwks } from "../types";
import { driftedMembers } from "./applied";
import { canonical } from "./equivalence";
import { keyDrift } from "./jwks";
import { deepEqual } from "../json";
import { describeKeyEvent } from "./calendar";
import { dueEvents, type KeyEvent, type KeyPolicy } from "./keys";
import { idpView, ourKids, wantedMembers } from "./owned";

/**
 * Every desired field and what a change of it means: `identity` replaces the client, `update`
 * updates it (the update decides what to send). Typed over every key of DesiredRecord, so a new
 * field cannot be forgotten here.
 */
export const FIELD_EFFECT = {
  registrationEndpoint: "identity",
  issuer: "identity",
  clientId: "identity",
  adoptedClientId: "identity",
  clientName: "update",
  profile: "update",
  metadata: "update",
  redirectUris: "update",
  redirectUpdateMode: "update",
  rotationSafe: "update",
  jwksUri: "update",
  keyAlgorithm: "update",
  kidPrefix: "update",
  kid: "update",
  rotateAfterDays: "update",
  retireAfterDays: "update",
  maxKeys: "update",
  publishAheadDays: "update",
  rotationTrigger: "update",
  updateMethod: "update",
  signingKeyThumbprint: "update",
  pushgatewayUrl: "update",
  metricName: "update",
  timeoutSeconds: "update",
  ratRenewalPath: "update",
  allowInsecureHttp: "update",
} as const satisfies Record<keyof DesiredRecord, "identity" | "update">;

type Field = keyof typeof FIELD_EFFECT;
const FIELDS = Object.keys(FIELD_EFFECT) as Field[];

/** The output (or input) property each owned wire member is shown as. */
const MEMBER_PROPERTY: Record<string, string> = { jwks: "jwks", jwks_uri: "jwksUri", redirect_uris: "redirectUris" };

export interface DiffPlan {
  changes: boolean;
  replaces: string[];
  /** "member: why" sentences, e.g. `redirect_uris: drift at the IdP`, `jwks: rotation due …`. */
  reasons: string[];
  /** Property paths that change, for the engine's detailed diff (inputs and outputs). */
  properties: string[];
  /**
   * When `jwks` changes only because time-based key steps are due, those steps, oldest first (so
   * a detailed diff can name the keys added or dropped); empty when it does not change, or also
   * changes for another reason (drift, an input), where the member as a whole is what changes.
   */
  keyEvents: Pick<KeyEvent, "kind" | "kid">[];
}

/** The key policy a desired record asks for. */
export function policyOf(desired: DesiredRecord): KeyPolicy {
  const policy: KeyPolicy = {
    algorithm: desired.keyAlgorithm,
    rotateAfterDays: desired.rotateAfterDays,
    retireAfterDays: desired.retireAfterDays,
    maxKeys: desired.maxKeys,
  };
  if (desired.rotationTrigger !== undefined) policy.rotationTrigger = desired.rotationTrigger;
  if (desired.publishAheadDays !== undefined) policy.publishAheadDays = desired.publishAheadDays;
  return policy;
}

/** Decide whether `olds` must be updated or replaced to reach `next` at instant `now`. */
export function planDiff(olds: DcrOutputs, next: DesiredRecord, now: Date): DiffPlan {
  const prev = olds.desired;
  const changed = FIELDS.filter((f) => !deepEqual(prev[f], next[f]));
  const replaces = changed.filter((f) => FIELD_EFFECT[f] === "identity");
  const reasons = changed.map((f) =>
    FIELD_EFFECT[f] === "identity" ? `${f} changed: the client is replaced` : `${f} changed`,
  );
  const properties = new Set<string>(changed);

  // Drift: each owned member against what the IdP should hold (its answer to our last write).
  const ours = ourKids(olds);
  let jwksOtherwise = false; // jwks drifted, or an input changes what it should hold
  // Only kids matter when jwks is compared (equivalence.ts), so the managed kids stand for the set.
  const published = { keys: olds.keys.map((k) => ({ kid: k.kid })) } as unknown as Jwks;
  const want = wantedMembers(next, published, olds.redirectUris);
  const before = wantedMembers(prev, published, olds.redirectUris);
  for (const m of driftedMembers(want, idpView(olds), olds.applied, ours)) {
    const inputChanged = !deepEqual(canonical(m, want[m], ours), canonical(m, before[m], ours));
    const detail = m === "jwks" ? keyDrift(olds.keys, olds.jwks, olds.usedKids) : [];
    reasons.push(
      `${m}: ${inputChanged ? "input changed" : "drift at the IdP"}${detail.length > 0 ? ` (${detail.join("; ")})` : ""}`,
    );
    properties.add(MEMBER_PROPERTY[m] ?? "metadata");
    if (m === "jwks") jwksOtherwise = true;
  }

  const state = {
    managed: olds.keys,
    usedKids: olds.usedKids,
    ...(olds.appliedTrigger !== undefined ? { appliedTrigger: olds.appliedTrigger } : {}),
  };
  const keyEvents: DiffPlan["keyEvents"] = [];
  for (const e of dueEvents(state, policyOf(next))) {
    if (e.at.getTime() > now.getTime()) continue;
    reasons.push(`jwks: ${describeKeyEvent(e)} was due at ${e.at.toISOString()}`);
    properties.add("jwks");
    keyEvents.push({ kind: e.kind, kid: e.kid });
  }
  return {
    changes: reasons.length > 0,
    replaces,
    reasons,
    properties: [...properties],
    keyEvents: properties.has("jwks") && !jwksOtherwise ? keyEvents : [],
  };
}
