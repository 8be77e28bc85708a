/**
 * The dynamic provider behind DcrClient: a thin adapter from Pulumi's dynamic-provider shapes to
 * the engine-agnostic core (core/). It keeps what configure() read from stack config and passes
 * it in, with the clock and the log, on every call; it turns the core's results into Pulumi's
 * (partial state as the error Pulumi records, a gone client as `{}`, the diff result). Old state
 * calls these exported names (configure/check/diff/create/read/update/remove): keep them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkOp, createOp, deleteOp, diffOp, readOp, updateOp, type CoreContext, type WriteResult } from "./core";
import type { StackSecrets } from "./core/context";
import type { DcrInputs, DcrOutputs } from "./types";
import { clock, logInfo, logWarn, partialFailure, stackSecretsOf } from "./runtime";

/** What configure() read from stack config, for the life of this provider host. */
let configured: StackSecrets = {};
/** Thumbprints of bring-your-own keys, for the life of this provider host (see CoreContext). */
const thumbprints = new Map<string, Promise<string>>();

function context(): CoreContext {
  return { now: clock(), secrets: configured, log: { info: logInfo, warn: logWarn }, thumbprints };
}

/** The engine's own member of inputs (the serialized provider), never seen by the core. */
type WithProvider = { __provider?: unknown };

function withoutProvider(o: object | undefined): Record<string, unknown> {
  const { __provider: _p, ...rest } = (o ?? {}) as Record<string, unknown> & WithProvider;
  return rest;
}

/** Reads secrets (IAT, admin token, BYO key) from stack config; they are passed to the core, not put in inputs. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  configured = stackSecretsOf(req.config);
}

/** Validates inputs before anything is sent; fails naming the property. */
export async function check(olds: DcrInputs, news: DcrInputs): Promise<pulumi.dynamic.CheckResult<DcrInputs>> {
  const { inputs, failures } = await checkOp(withoutProvider(olds), withoutProvider(news), context());
  const provider = (news as WithProvider).__provider;
  return { inputs: (provider !== undefined ? { ...inputs, __provider: provider } : inputs) as DcrInputs, failures };
}

/** Input changes, drift seen by refresh, and time-based rotation; never any I/O. */
export async function diff(_id: string, olds: DcrOutputs, news: DcrInputs): Promise<pulumi.dynamic.DiffResult> {
  const d = await diffOp(olds, news, context());
  // The SDK's dynamic-provider host (3.276) does not forward detailedDiff yet; the reasons line
  // the core logs names the same members. Returned so a host that forwards it shows them in --diff.
  const detailedDiff = Object.fromEntries(
    d.properties.map((p) => [p.path, { kind: p.replace ? "UPDATE_REPLACE" : "UPDATE" }]),
  );
  return {
    changes: d.changes,
    replaces: d.replaces,
    deleteBeforeReplace: d.deleteBeforeReplace,
    detailedDiff,
  } as pulumi.dynamic.DiffResult;
}

/** Registers the client (or adopts an existing one) with freshly generated keys. */
export async function create(inputs: DcrInputs): Promise<pulumi.dynamic.CreateResult<DcrOutputs>> {
  const r = settled(await createOp(inputs, context()), inputs);
  return { id: r.id, outs: r.outputs };
}

/** Refresh: what the IdP holds now; a client gone at the IdP leaves state (`{}`). */
export async function read(id: string, props: DcrOutputs): Promise<pulumi.dynamic.ReadResult<DcrOutputs>> {
  const r = await readOp(id, props, context());
  return r.gone ? {} : { id: r.id, props: r.outputs };
}

/** Rotates/retires keys and repairs owned members; nothing sent when nothing differs. */
export async function update(
  id: string,
  olds: DcrOutputs,
  news: DcrInputs,
): Promise<pulumi.dynamic.UpdateResult<DcrOutputs>> {
  return { outs: settled(await updateOp(id, olds, news, context()), news).outputs };
}

/** Deletes the client; already gone counts as done. */
export async function remove(id: string, props: DcrOutputs): Promise<void> {
  await deleteOp(id, props, context());
}

/** A write's result, or the partial-failure error Pulumi records (with `__provider` from `inputs`). */
function settled(r: WriteResult, inputs: object): { id: string; outputs: DcrOutputs } {
  if (r.partial === true) throw partialFailure(r.failure, r.id, inputs, r.outputs);
  return r;
}
