/**
 * The core's DiffOutcome as a DiffResponse with a detailedDiff. The engine displays a path from
 * old outputs to new inputs unless `inputDiff` is set (then old inputs to new inputs): a member
 * the program changed is an input diff, one the IdP changed (drift) compares the stored outputs.
 *
 * `jwks` is an output only, so "old outputs → new inputs" would print a due rotation as the
 * whole old set deleted (`- jwks: {…}`). A due key step is therefore sent as the element it
 * changes, `jwks.keys[i]` (added or dropped) with `inputDiff`: the engine then walks into `jwks`
 * and `preview --diff` prints `~ jwks: { ~ keys: [ + [i]: [unknown] ] }` — a key to come. The
 * activation of a key published ahead changes no key at the IdP, only which one signs: it is sent
 * as `activeKid`, shown `+ activeKid: [unknown]` (the kid it will hold is known after the update).
 */
import { isDeepStrictEqual } from "node:util";
import { DiffResponse, PropertyDiff } from "@pulumi/pulumi/proto/provider_pb";
import type { DiffOutcome } from "../core";

/** The top-level property a property path names (`jwks.keys[1]` → `jwks`, `adopt.clientId` → `adopt`). */
export function rootOf(path: string): string {
  return path.split(/[.[]/)[0] ?? path;
}

/**
 * The elements the due key steps change: `jwks.keys[i]` added (publish, rotate) or dropped
 * (retire, by its index in `held`), and `activeKid` (activate).
 */
export function keyStepElements(
  events: DiffOutcome["keyEvents"],
  held: readonly { kid?: unknown }[],
): [string, PropertyDiff.Kind][] {
  const out: [string, PropertyDiff.Kind][] = [];
  for (const e of events) {
    const at = held.findIndex((k) => k.kid === e.kid);
    if (e.kind === "retire" && at >= 0) out.push([`jwks.keys[${at}]`, PropertyDiff.Kind.DELETE]);
    // ADD: the engine shows `+ activeKid: [unknown]` (an UPDATE of an output-only path shows nothing).
    if (e.kind === "activate") out.push(["activeKid", PropertyDiff.Kind.ADD]);
  }
  const added = events.filter((e) => e.kind === "publish" || e.kind === "rotate").length;
  for (let i = 0; i < added; i++) out.push([`jwks.keys[${held.length + i}]`, PropertyDiff.Kind.ADD]);
  return out;
}

/** `d` for the engine; `oldInputs`/`newInputs` decide each path's `inputDiff`; `heldJwks` is the stored `jwks` output. */
export function diffResponse(
  d: DiffOutcome,
  oldInputs: Readonly<Record<string, unknown>>,
  newInputs: Readonly<Record<string, unknown>>,
  heldJwks?: { keys?: readonly { kid?: unknown }[] },
): DiffResponse {
  const resp = new DiffResponse()
    .setChanges(d.changes ? DiffResponse.DiffChanges.DIFF_SOME : DiffResponse.DiffChanges.DIFF_NONE)
    .setReplacesList(d.replaces)
    .setDeletebeforereplace(d.deleteBeforeReplace)
    .setHasdetaileddiff(true);
  const detailed = resp.getDetaileddiffMap();
  const steps = keyStepElements(d.keyEvents, heldJwks?.keys ?? []);
  for (const p of d.properties) {
    if (p.path === "jwks" && !("jwks" in newInputs) && steps.length > 0) {
      for (const [path, kind] of steps) detailed.set(path, new PropertyDiff().setKind(kind).setInputdiff(true));
      continue;
    }
    const kind = p.replace ? PropertyDiff.Kind.UPDATE_REPLACE : PropertyDiff.Kind.UPDATE;
    const inputDiff = !isDeepStrictEqual(oldInputs[p.path], newInputs[p.path]);
    detailed.set(p.path, new PropertyDiff().setKind(kind).setInputdiff(inputDiff));
  }
  // The top-level properties the detailed paths name: the progress view lists only these.
  const roots = new Set<string>();
  detailed.forEach((_, path) => roots.add(rootOf(path)));
  return resp.setDiffsList([...roots]);
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
