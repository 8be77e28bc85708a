/** read (refresh): what the IdP holds now; keys and inputs stay; a rotated RAT is stored. */
import { isDcrError } from "../errors";
import { failureStatus, successStatus } from "../plan/outcome";
import { handleOf, observed } from "../plan/outputs";
import { readClient } from "../protocol/registration";
import type { DcrOutputs } from "../types";
import type { CoreContext } from "./context";
import { managementOptions } from "./options";
import { report, warnInsecure, who } from "./report";
import type { ReadResult } from "./results";

/** Reads the client `props` describe; `{ gone: true }` when the IdP no longer has it. */
export async function readOp(id: string, props: DcrOutputs, ctx: CoreContext): Promise<ReadResult> {
  warnInsecure(props.desired, id, ctx);
  try {
    const record = await readClient(handleOf(props), managementOptions(props.desired, ctx, undefined, props));
    await report(props.desired, id, successStatus("read"), ctx);
    return { gone: false, id, outputs: observed(props, record) };
  } catch (e) {
    if (isDcrError(e, "ERR_CLIENT_GONE")) {
      ctx.log.warn(`${who(id)}: the client no longer exists at the IdP; it is removed from state`);
      return { gone: true };
    }
    await report(props.desired, id, failureStatus("read", isDcrError(e) ? e.code : undefined), ctx);
    throw e;
  }
}
