/**
 * Pure diff: old outputs (what the IdP held at the last create/update/refresh) against the new
 * desired record, plus time. Derived from ONE list of compared fields, never a hand-written chain.
 */
import type { DcrOutputs, DesiredRecord } from "../types";
import { deepEqual, metadataDrift } from "./metadata";
import { keyDrift } from "./jwks";
import { dueEvents, type KeyPolicy } from "./keys";
import { describeKeyEvent } from "./calendar";
import { redirectDrift } from "./redirects";

/** Fields whose change replaces the client (its identity). */
export const IDENTITY_FIELDS = ["registrationEndpoint", "issuer", "clientId", "adoptedClientId"] as const;

/** Every other desired field: a change means an update (the update decides what to send). */
export const UPDATE_FIELDS = [
  "clientName", "profile", "metadata", "redirectUris", "redirectUpdateMode", "rotationSafe", "jwksUri",
  "keyAlgorithm", "kidPrefix", "kid", "rotateAfterDays", "retireAfterDays", "maxKeys", "publishAheadDays", "rotationTrigger",
  "updateMethod", "signingKeyThumbprint", "pushgatewayUrl", "timeoutSeconds", "ratRenewalPath",
] as const satisfies readonly Exclude<keyof DesiredRecord, (typeof IDENTITY_FIELDS)[number]>[];

export interface DiffPlan {
  changes: boolean;
  replaces: string[];
  reasons: string[];
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
  const replaces = IDENTITY_FIELDS.filter((f) => !deepEqual(prev[f], next[f]));
  const reasons: string[] = replaces.map((f) => `${f} changed: the client is replaced`);
  for (const f of UPDATE_FIELDS) if (!deepEqual(prev[f], next[f])) reasons.push(`${f} changed`);

  if (redirectDrift(olds.redirectUris, next.redirectUris, next.redirectUpdateMode, next.rotationSafe)) {
    reasons.push("redirect_uris at the IdP differ from the desired ones");
  }
  if (next.jwksUri !== undefined) {
    if (olds.metadata.jwks_uri !== next.jwksUri) reasons.push("jwks_uri at the IdP differs");
  } else {
    reasons.push(...keyDrift(olds.keys, olds.jwks, olds.usedKids));
  }
  for (const k of metadataDrift(next, olds.metadata)) reasons.push(`${k} at the IdP differs`);

  const state = { managed: olds.keys, usedKids: olds.usedKids, ...(olds.appliedTrigger !== undefined ? { appliedTrigger: olds.appliedTrigger } : {}) };
  for (const e of dueEvents(state, policyOf(next))) {
    if (e.at.getTime() <= now.getTime()) reasons.push(`${describeKeyEvent(e)} was due at ${e.at.toISOString()}`);
  }
  return { changes: reasons.length > 0, replaces: [...replaces], reasons };
}
