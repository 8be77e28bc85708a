/**
 * Diff in preview when some new inputs are unknown (computed by another resource): the core
 * diffs the known part — each unknown input taken as its old value — and every unknown input
 * counts as changed, replacing the client when its field decides the client's identity.
 */
import type { DiffOutcome } from "../core";
import { FIELD_EFFECT } from "../plan/diff";
import { deletesBeforeReplace } from "../plan/lifecycle";

/** Inputs whose change replaces the client (FIELD_EFFECT "identity"; `adopt` names the client too). */
function replacesWhenChanged(name: string): boolean {
  return name === "adopt" || (FIELD_EFFECT as Record<string, string>)[name] === "identity";
}

/** `news` with each unknown input replaced by its old value (or left out when it had none). */
export function knownPart(
  news: Readonly<Record<string, unknown>>,
  unknown: ReadonlySet<string>,
  oldInputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(news)) {
    if (!unknown.has(k)) out[k] = v;
    else if (oldInputs[k] !== undefined) out[k] = oldInputs[k];
  }
  return out;
}

/** `d` (the known part's diff) with every unknown input as a change. */
export function withUnknowns(
  d: DiffOutcome,
  unknown: ReadonlySet<string>,
  news: Readonly<Record<string, unknown>>,
): DiffOutcome {
  const known = new Set(d.properties.map((p) => p.path));
  const added = [...unknown].filter((k) => !known.has(k)).map((path) => ({ path, replace: replacesWhenChanged(path) }));
  const replaces = [...d.replaces, ...added.filter((p) => p.replace).map((p) => p.path)];
  return {
    changes: d.changes || added.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && deletesBeforeReplace(news.clientId),
    properties: [...d.properties, ...added],
    reasons: [...d.reasons, ...added.map((p) => `${p.path}: not known until the update`)],
    keyEvents: d.keyEvents,
  };
}
