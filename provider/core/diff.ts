/** diff: input changes, drift seen by refresh, and time-based rotation; never any I/O. */
import { DcrError } from "../errors";
import { planDiff } from "../plan/diff";
import { adoptSelfProblem, deletesBeforeReplace } from "../plan/lifecycle";
import type { DcrInputs, DcrOutputs } from "../types";
import type { CoreContext } from "./context";
import { desiredFor } from "./desired";
import { warnInsecure, who } from "./report";
import type { DiffOutcome } from "./results";

/**
 * What applying `news` to the resource whose outputs are `olds` changes at `ctx.now`.
 * @throws DcrError ERR_CONFIG when `news` adopts the client this resource already manages.
 */
export async function diffOp(olds: DcrOutputs, news: DcrInputs, ctx: CoreContext): Promise<DiffOutcome> {
  const desired = await desiredFor(news, olds, ctx);
  const problem = adoptSelfProblem(news, olds);
  if (problem !== undefined) throw new DcrError("ERR_CONFIG", problem);
  warnInsecure(desired, olds.clientId, ctx);
  const plan = planDiff(olds, desired, ctx.now);
  // A warning, not an info line: `pulumi preview --diff` shows warnings only, and it shows no
  // property for this update (the SDK's dynamic-provider host drops detailedDiff).
  if (plan.changes) ctx.log.warn(`${who(olds.clientId)}: ${plan.reasons.join("; ")}`);
  return {
    changes: plan.changes,
    replaces: plan.replaces,
    deleteBeforeReplace: plan.replaces.length > 0 && deletesBeforeReplace(desired.clientId),
    properties: plan.properties.map((path) => ({ path, replace: plan.replaces.includes(path) })),
    reasons: plan.reasons,
    keyEvents: plan.keyEvents,
  };
}
