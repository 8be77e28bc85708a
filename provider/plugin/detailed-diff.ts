/**
 * The core's DiffOutcome as a DiffResponse with a detailedDiff. The engine displays a path from
 * old outputs to new inputs unless `inputDiff` is set (then old inputs to new inputs): a member
 * the program changed is an input diff, one the IdP or the calendar changed (drift, a due key
 * rotation: `jwks`) compares the stored outputs.
 */
import { isDeepStrictEqual } from "node:util";
import { DiffResponse, PropertyDiff } from "@pulumi/pulumi/proto/provider_pb";
import type { DiffOutcome } from "../core";

/** `d` for the engine; `oldInputs`/`newInputs` decide each path's `inputDiff`. */
export function diffResponse(
  d: DiffOutcome,
  oldInputs: Readonly<Record<string, unknown>>,
  newInputs: Readonly<Record<string, unknown>>,
): DiffResponse {
  const resp = new DiffResponse()
    .setChanges(d.changes ? DiffResponse.DiffChanges.DIFF_SOME : DiffResponse.DiffChanges.DIFF_NONE)
    .setReplacesList(d.replaces)
    .setDeletebeforereplace(d.deleteBeforeReplace)
    .setDiffsList(d.properties.map((p) => p.path))
    .setHasdetaileddiff(true);
  const detailed = resp.getDetaileddiffMap();
  for (const p of d.properties) {
    const kind = p.replace ? PropertyDiff.Kind.UPDATE_REPLACE : PropertyDiff.Kind.UPDATE;
    const inputDiff = !isDeepStrictEqual(oldInputs[p.path], newInputs[p.path]);
    detailed.set(p.path, new PropertyDiff().setKind(kind).setInputdiff(inputDiff));
  }
  return resp;
}

/** A config diff: changed keys update the provider in place, never replace it. */
export function configDiffResponse(
  olds: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
): DiffResponse {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
    (k) => !isDeepStrictEqual(olds[k], news[k]),
  );
  const resp = new DiffResponse()
    .setChanges(keys.length > 0 ? DiffResponse.DiffChanges.DIFF_SOME : DiffResponse.DiffChanges.DIFF_NONE)
    .setDiffsList(keys)
    .setHasdetaileddiff(true);
  const detailed = resp.getDetaileddiffMap();
  for (const k of keys) {
    const kind = !(k in olds)
      ? PropertyDiff.Kind.ADD
      : !(k in news)
        ? PropertyDiff.Kind.DELETE
        : PropertyDiff.Kind.UPDATE;
    detailed.set(k, new PropertyDiff().setKind(kind).setInputdiff(true));
  }
  return resp;
}
