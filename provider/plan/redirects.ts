/**
 * redirect_uris update modes (seed DCR_REDIRECT_UPDATE_MODE / DCR_ROTATION_SAFE). URIs are
 * compared exactly (no normalisation); a list is a set (RFC 7591 §2: servers may reorder it,
 * Keycloak sorts it). Whether the IdP drifted from what it answered is decided in applied.ts. Pure.
 */
import { DcrError } from "../errors";

/**
 * How `redirectUris` is applied to the client's `redirect_uris`:
 * - `auto`: send the provided list when it differs from the IdP's (as a set).
 * - `replace`: always send exactly the provided list.
 * - `merge`: send the IdP's list plus the provided URIs it lacks (IdP order first, no duplicates).
 * - `none`: never touch redirect_uris.
 */
export type RedirectUpdateMode = "auto" | "replace" | "merge" | "none";

/** Every {@link RedirectUpdateMode}, in documentation order. */
export const REDIRECT_UPDATE_MODES: readonly RedirectUpdateMode[] = Object.freeze(["auto", "replace", "merge", "none"]);
const MODES = REDIRECT_UPDATE_MODES;

/** What to send for redirect_uris. */
export interface RedirectPlan {
  /** The list to send; undefined = do not send redirect_uris. */
  next: string[] | undefined;
  /** True when `next` differs from the IdP's list. */
  changed: boolean;
}

/**
 * The mode in force: `rotationSafe` forces `merge`; otherwise `mode`, defaulting to `auto`.
 * @throws DcrError ERR_CONFIG naming `redirectUpdateMode` when it is not a known mode.
 */
export function effectiveMode(
  mode: RedirectUpdateMode | undefined,
  rotationSafe: boolean | undefined,
): RedirectUpdateMode {
  if (mode !== undefined && !MODES.includes(mode)) {
    throw new DcrError("ERR_CONFIG", `"redirectUpdateMode" must be one of ${MODES.join(", ")}; got ${String(mode)}`);
  }
  if (rotationSafe === true) return "merge";
  return mode ?? "auto";
}

/**
 * The redirect_uris to send, given the IdP's list (`existing`, undefined when unknown, e.g. on
 * create) and the provided one. No provided list, or mode `none`: never send.
 */
export function planRedirects(
  existing: readonly string[] | undefined,
  provided: readonly string[] | undefined,
  mode: RedirectUpdateMode | undefined,
  rotationSafe?: boolean,
): RedirectPlan {
  const m = effectiveMode(mode, rotationSafe);
  if (provided === undefined || m === "none") return { next: undefined, changed: false };
  const current = existing ?? [];
  const next = m === "merge" ? union(current, provided) : [...provided];
  const changed = !sameList(current, next);
  if (m === "auto" && !changed) return { next: undefined, changed: false };
  return { next, changed };
}

/** `a` then the members of `b` not yet seen, without duplicates, in order. */
function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Same members, in any order. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((u) => y.has(u));
}
