/**
 * The members this resource owns at the IdP, what it wants them to be now, and which of them to
 * send: pure decisions shared by diff (what would change) and update (what to send).
 */
import type { DcrOutputs, DesiredRecord, Jwks } from "../types";
import { driftedMembers } from "./applied";
import { ownedKeyMetadata, ownedPlainMetadata } from "./metadata";
import { planRedirects } from "./redirects";

/**
 * Every owned member with the value wanted now: plain metadata, the key member (`jwks` or
 * `jwks_uri`) and — when the mode says to touch them — `redirect_uris`, planned against the
 * IdP's list (`idpRedirects`, as last seen).
 */
export function wantedMembers(
  desired: DesiredRecord,
  jwks: Jwks,
  idpRedirects: readonly string[] | undefined,
): Record<string, unknown> {
  const want: Record<string, unknown> = { ...ownedPlainMetadata(desired), ...ownedKeyMetadata(desired, jwks) };
  const { redirectUris: provided, redirectUpdateMode: mode, rotationSafe: safe } = desired;
  // `auto` plans nothing when the lists are equal; the member is still compared (against the
  // IdP's answer, which may have normalised a URI), so fall back to the provided list.
  const next =
    planRedirects(idpRedirects, provided, mode, safe).next ?? planRedirects(undefined, provided, mode, safe).next;
  if (next !== undefined) want.redirect_uris = [...next];
  return want;
}

/** The IdP's record as last seen (outputs split it into metadata, jwks and redirectUris). */
export function idpView(
  o: Pick<DcrOutputs, "metadata" | "redirectUris" | "jwks" | "desired">,
): Record<string, unknown> {
  return { ...o.metadata, redirect_uris: o.redirectUris, ...(o.desired.jwksUri === undefined ? { jwks: o.jwks } : {}) };
}

/** Kids the resource manages or ever used: only these count when `jwks` is compared. */
export function ourKids(o: Pick<DcrOutputs, "keys" | "usedKids">): Set<string> {
  return new Set([...o.usedKids, ...o.keys.map((k) => k.kid)]);
}

/**
 * The members to send: those whose value at the IdP is not what it should hold (see
 * applied.ts). Empty = send nothing.
 */
export function membersToSend(
  olds: Pick<DcrOutputs, "metadata" | "redirectUris" | "jwks" | "desired" | "applied">,
  want: Record<string, unknown>,
  ours: ReadonlySet<string>,
): Record<string, unknown> {
  const differ = driftedMembers(want, idpView(olds), olds.applied, ours);
  return Object.fromEntries(differ.map((m) => [m, want[m]]));
}
