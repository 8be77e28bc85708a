/**
 * The resource methods of the plugin (Check, Diff, Create, Read, Update, Delete) over the core:
 * shapes only — decode the engine's Structs, call the core with a CoreContext, encode the result
 * with secrets wrapped, partial state as the init-failed error.
 */
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { checkOp, createOp, deleteOp, diffOp, readOp, updateOp, type WriteResult } from "../core";
import { DcrError } from "../errors";
import { partialFailure } from "../runtime";
import type { DcrInputs, DcrOutputs } from "../types";
import { diffResponse, rootOf } from "./detailed-diff";
import { GrpcFailure, initFailedError } from "./init-failed";
import { decode, encode } from "./marshal";
import { inputSecrets, outputSecrets } from "./secret-names";
import type { PluginState } from "./state";
import { knownPart, withUnknowns } from "./unknown-diff";

function only(values: Record<string, unknown>, keys: ReadonlySet<string>, keep: boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k) === keep));
}

/** Check: config defaults (config-args.ts), then checkOp; unknowns pass unvalidated. */
export async function check(state: PluginState, req: pb.CheckRequest): Promise<pb.CheckResponse> {
  const news = decode(req.getNews(), { dropNulls: true });
  const olds = decode(req.getOlds());
  const { values, secret } = state.config.complete(only(news.values, news.unknown, false));
  const ctx = state.context(req.getUrn());
  const out = await checkOp(olds.values, values, ctx).finally(ctx.flush);
  const failures = out.failures.filter((f) => !news.unknown.has(rootOf(f.property)));
  const inputs = { ...(out.failures.length === 0 ? out.inputs : values), ...only(news.values, news.unknown, true) };
  const resp = new pb.CheckResponse().setInputs(encode(inputs, inputSecrets([...news.secret, ...secret])));
  resp.setFailuresList(failures.map((f) => new pb.CheckFailure().setProperty(f.property).setReason(f.reason)));
  return resp;
}

/** Diff: diffOp on old outputs and new inputs; an unknown new input counts as changed (unknown-diff.ts). */
export async function diff(state: PluginState, req: pb.DiffRequest): Promise<pb.DiffResponse> {
  const news = decode(req.getNews());
  const olds = decode(req.getOlds()).values as unknown as DcrOutputs;
  const oldInputs = decode(req.getOldInputs()).values;
  const ctx = state.context(req.getUrn());
  const known = knownPart(news.values, news.unknown, oldInputs);
  const d = await diffOp(olds, known as DcrInputs, ctx).finally(ctx.flush);
  return diffResponse(withUnknowns(d, news.unknown, news.values), oldInputs, news.values, olds.jwks);
}

/** The outputs of a write, or its partial state as the init-failed error. */
function settled(r: WriteResult, inputs: Struct | undefined, secretInputs: ReadonlySet<string>): Struct {
  const secret = outputSecrets(secretInputs);
  if (r.partial !== true) return encode(r.outputs, secret);
  const err = partialFailure(r.failure, r.id, {}, r.outputs) as Error & { properties: object; reasons: string[] };
  const properties = encode(err.properties, secret);
  throw new GrpcFailure(
    initFailedError({ message: err.message, id: r.id, properties, inputs: inputs ?? encode({}), reasons: err.reasons }),
  );
}

/** Create: registers (or adopts) the client. */
export async function create(state: PluginState, req: pb.CreateRequest): Promise<pb.CreateResponse> {
  const inputs = decode(req.getProperties());
  if (req.getPreview()) return new pb.CreateResponse().setProperties(req.getProperties());
  const ctx = state.context(req.getUrn());
  const r = await createOp(inputs.values as DcrInputs, ctx).finally(ctx.flush);
  return new pb.CreateResponse().setId(r.id).setProperties(settled(r, req.getProperties(), inputs.secret));
}

/** Read (refresh): the client as the IdP holds it; inputs go back unchanged; gone = empty id. */
export async function read(state: PluginState, req: pb.ReadRequest): Promise<pb.ReadResponse> {
  const props = decode(req.getProperties());
  if (Object.keys(props.values).length === 0) {
    throw new DcrError(
      "ERR_CONFIG",
      "pulumi import is not supported: an IdP hands back only the public keys of a client, so the private key " +
        "this resource must output cannot be imported; take the client over with the `adopt` argument instead",
    );
  }
  const ctx = state.context(req.getUrn());
  const r = await readOp(req.getId(), props.values as unknown as DcrOutputs, ctx).finally(ctx.flush);
  if (r.gone) return new pb.ReadResponse();
  const inputs = req.getInputs();
  const secret = outputSecrets([...props.secret, ...decode(inputs).secret]);
  return new pb.ReadResponse().setId(r.id).setProperties(encode(r.outputs, secret)).setInputs(inputs);
}

/** Update: rotates/retires keys and repairs owned members. */
export async function update(state: PluginState, req: pb.UpdateRequest): Promise<pb.UpdateResponse> {
  if (req.getPreview()) return new pb.UpdateResponse().setProperties(req.getOlds());
  const news = decode(req.getNews());
  const olds = decode(req.getOlds()).values as unknown as DcrOutputs;
  const ctx = state.context(req.getUrn());
  const r = await updateOp(req.getId(), olds, news.values as DcrInputs, ctx).finally(ctx.flush);
  return new pb.UpdateResponse().setProperties(settled(r, req.getNews(), news.secret));
}

/** Delete: already gone counts as done. */
export async function remove(state: PluginState, req: pb.DeleteRequest): Promise<void> {
  const ctx = state.context(req.getUrn());
  await deleteOp(req.getId(), decode(req.getProperties()).values as unknown as DcrOutputs, ctx).finally(ctx.flush);
}
