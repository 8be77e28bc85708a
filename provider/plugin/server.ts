/**
 * The ResourceProvider gRPC service: each method decodes, calls its handler and answers; a
 * thrown error answers with its message unchanged (a DcrError's `[CODE] …`), partial state with
 * the init-failed status. Methods this provider has no use for answer UNIMPLEMENTED or empty.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import type { PluginAttach } from "@pulumi/pulumi/proto/plugin_pb";
import * as config from "./handlers-config";
import * as resource from "./handlers-resource";
import { statusOf } from "./init-failed";
import type { PluginState } from "./state";

/** A unary method answering with whatever `fn` resolves to or throws. */
function unary<Req, Res>(fn: (req: Req) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (e: unknown) => callback(statusOf(e)),
      );
  };
}

const unimplemented: grpc.handleUnaryCall<unknown, unknown> = (call, callback) =>
  callback({ code: grpc.status.UNIMPLEMENTED, details: `${call.getPath()} is not implemented by dcr` });

/** The service implementation over `state`. */
function implementation(state: PluginState): grpc.UntypedServiceImplementation {
  return {
    handshake: unimplemented,
    parameterize: unimplemented,
    getSchema: unary(() => config.schema()),
    checkConfig: unary((req: pb.CheckRequest) => config.checkConfig(state, req)),
    diffConfig: unary((req: pb.DiffRequest) => config.diffConfig(req)),
    configure: unary((req: pb.ConfigureRequest) => config.configure(state, req)),
    invoke: unimplemented,
    call: unimplemented,
    construct: unimplemented,
    check: unary((req: pb.CheckRequest) => resource.check(state, req)),
    diff: unary((req: pb.DiffRequest) => resource.diff(state, req)),
    create: unary((req: pb.CreateRequest) => resource.create(state, req)),
    read: unary((req: pb.ReadRequest) => resource.read(state, req)),
    update: unary((req: pb.UpdateRequest) => resource.update(state, req)),
    delete: unary(async (req: pb.DeleteRequest) => {
      await resource.remove(state, req);
      return new Empty();
    }),
    list: (call: grpc.ServerWritableStream<unknown, unknown>) =>
      call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: "List is not implemented by dcr" }),
    cancel: unary(() => new Empty()),
    getPluginInfo: unary(() => config.pluginInfo()),
    attach: unary((req: PluginAttach) => {
      state.log.connect(req.getAddress());
      return new Empty();
    }),
    getMapping: unary(() => new pb.GetMappingResponse()),
    getMappings: unary(() => new pb.GetMappingsResponse()),
  };
}

/** Serves the provider on 127.0.0.1 (a free port); resolves to the server and its port. */
export async function serve(state: PluginState): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, implementation(state));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { server, port };
}
