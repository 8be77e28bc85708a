/** Request options for the protocol layer, from desired state, inputs and the context's secrets. */
import { DEFAULTS } from "../defaults";
import type { RenewalOptions, RequestOptions } from "../protocol/types";
import type { DcrInputs, DcrOutputs, DesiredRecord } from "../types";
import type { CoreContext } from "./context";

/** Timeout, plain-http opt-in, the clock, the fetch and the log line sink for any request. */
export function requestOptions(
  from: Pick<DcrInputs, "timeoutSeconds" | "allowInsecureHttp">,
  ctx: CoreContext,
): RequestOptions {
  const opts: RequestOptions = {
    timeoutMs: (from.timeoutSeconds ?? DEFAULTS.timeoutSeconds) * 1000,
    log: (m) => ctx.log.info(m),
    // A refused token is explained against the same instant rotation is planned at (DCR_NOW).
    now: ctx.now,
  };
  if (ctx.fetch !== undefined) opts.fetch = ctx.fetch;
  if (from.allowInsecureHttp === true) opts.allowInsecureHttp = true;
  return opts;
}

/**
 * Options for requests about an existing client. The admin token comes from the inputs (create,
 * update), else from the outputs (refresh and delete get no inputs; an explicit `adminToken`
 * input is kept there as a secret output), else from stack config.
 */
export function managementOptions(
  desired: DesiredRecord,
  ctx: CoreContext,
  inputs?: Pick<DcrInputs, "adminToken">,
  outs?: Pick<DcrOutputs, "adminToken">,
): RequestOptions & RenewalOptions {
  const opts: RequestOptions & RenewalOptions = requestOptions(desired, ctx);
  const adminToken = inputs?.adminToken ?? outs?.adminToken ?? ctx.secrets.adminToken;
  if (adminToken !== undefined) opts.adminToken = adminToken;
  if (desired.ratRenewalPath !== undefined) opts.ratRenewalPath = desired.ratRenewalPath;
  return opts;
}
