/**
 * The error the engine records as partial state: gRPC UNKNOWN whose `grpc-status-details-bin`
 * metadata holds a google.rpc.Status with an Any packing `pulumirpc.ErrorResourceInitFailed`
 * (id, properties, reasons, inputs). The engine then keeps `properties` as the resource's outputs.
 */
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { ErrorResourceInitFailed } from "@pulumi/pulumi/proto/provider_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** What an adapter keeps of a write that failed after the IdP changed something. */
export interface InitFailure {
  message: string;
  id: string;
  properties: Struct;
  inputs: Struct;
  reasons: string[];
}

/** The gRPC error carrying `f` as partial state. */
export function initFailedError(f: InitFailure): Partial<grpc.StatusObject> {
  const detail = new ErrorResourceInitFailed();
  detail.setId(f.id);
  detail.setProperties(f.properties);
  detail.setInputs(f.inputs);
  detail.setReasonsList(f.reasons);
  const any = new Any();
  any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new Status();
  status.setCode(grpc.status.UNKNOWN);
  status.setMessage(f.message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return { code: grpc.status.UNKNOWN, details: f.message, metadata };
}

/** Any other failure: its message unchanged (a DcrError's starts `[CODE] `). */
export function plainError(e: unknown): Partial<grpc.StatusObject> {
  return { code: grpc.status.UNKNOWN, details: e instanceof Error ? e.message : String(e) };
}

/** A failure whose gRPC status is already built (e.g. {@link initFailedError}). */
export class GrpcFailure extends Error {
  constructor(readonly status: Partial<grpc.StatusObject>) {
    super(status.details);
  }
}

/** The status any thrown value answers with. */
export function statusOf(e: unknown): Partial<grpc.StatusObject> {
  return e instanceof GrpcFailure ? e.status : plainError(e);
}
