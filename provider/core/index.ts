/**
 * The engine-agnostic core of DcrClient: check, diff, create, read, update and delete on plain
 * values. Secrets from stack config, the clock and logging come in a {@link CoreContext}; partial
 * state and "client gone" come back as data (results.ts). No Pulumi type, no module state: the
 * dynamic provider (dynamic.ts) adapts it to Pulumi's shapes, and so can a provider plugin.
 */
export { checkOp } from "./check";
export { diffOp } from "./diff";
export { createOp } from "./create";
export { readOp } from "./read";
export { updateOp } from "./update";
export { deleteOp } from "./delete";
export type { CoreContext, CoreLog, StackSecrets } from "./context";
export type { CheckOutcome, DiffOutcome, ReadResult, WriteResult } from "./results";
