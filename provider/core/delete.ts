/** delete: remove the client at the IdP; already gone counts as done. */
import { handleOf } from "../plan/outputs";
import { deleteClient } from "../protocol/registration";
import type { DcrOutputs } from "../types";
import type { CoreContext } from "./context";
import { managementOptions } from "./options";
import { warnInsecure, who } from "./report";

/** Deletes the client `props` describe. */
export async function deleteOp(id: string, props: DcrOutputs, ctx: CoreContext): Promise<void> {
  warnInsecure(props.desired, id, ctx);
  const outcome = await deleteClient(handleOf(props), managementOptions(props.desired, ctx, undefined, props));
  ctx.log.info(`${who(id)}: ${outcome === "gone" ? "was already gone at the IdP" : "deleted at the IdP"}`);
}
