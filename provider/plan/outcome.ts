/**
 * What an operation's outcome means for the status metric and for state, pure: which status is
 * pushed after each step, and what a failed update keeps (partial state) so nothing the IdP handed
 * back is lost.
 */
import type { DcrErrorCode } from "../errors";
import type { DcrStatus } from "../metrics";
import type { ClientHandle } from "../protocol/types";
import type { DcrOutputs } from "../types";
import { handleOutputs } from "./outputs";

/** The status after a step that succeeded: a write is `success`, a refresh `rat_cached`. */
export function successStatus(step: "create" | "update" | "read"): DcrStatus {
  return step === "read" ? "rat_cached" : "success";
}

/**
 * The status after a failed step (`code` of the DcrError, if it was one): a refused RAT is
 * `rat_invalid`; any other failed update is `jwks_rotation_failed`; a refresh that fails
 * otherwise pushes nothing (undefined), and neither does a failed create (no client id yet).
 */
export function failureStatus(step: "update" | "read", code: DcrErrorCode | undefined): DcrStatus | undefined {
  if (code === "ERR_RAT_INVALID") return "rat_invalid";
  return step === "update" ? "jwks_rotation_failed" : undefined;
}

/**
 * What state keeps after an update failed, or undefined when the old outputs stand as they are:
 * kept when the IdP handed back a new RAT during the attempt (`handle` changed) or keys were
 * generated (their kids are remembered as used, so a key that may have reached the IdP without
 * being recorded is treated as retired, never as foreign).
 */
export function afterFailedUpdate(olds: DcrOutputs, handle: ClientHandle, usedKids: string[]): DcrOutputs | undefined {
  const newKids = usedKids.length !== olds.usedKids.length;
  if (handle.registrationAccessToken === olds.registrationAccessToken && !newKids) return undefined;
  return { ...olds, ...handleOutputs(handle), usedKids } as DcrOutputs;
}
