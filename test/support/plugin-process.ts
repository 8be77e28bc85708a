/**
 * The bundled provider plugin (scripts/build-artifacts.sh → .build/plugin) started as the engine
 * starts it — the launcher with a fake Engine gRPC address — and a ResourceProviderClient on the
 * port it prints. The fake engine records every Log call. `close()` stops both.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { repoRoot } from "./engine";

/** The launcher the archive holds, as built into .build/plugin. */
export const pluginLauncher = path.join(repoRoot, ".build", "plugin", "pulumi-resource-dcr");

/** The Struct marker of a secret, and the unknown sentinel (what the engine sends). */
export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `value` marked secret, as the engine sends it. */
export function secret(value: unknown): Record<string, unknown> {
  return { [SIG]: SECRET, value };
}

/** A plain object as a Struct. */
export function struct(o: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(o)) as Parameters<typeof Struct.fromJavaScript>[0]);
}

/** One Log call the plugin made. */
export interface LoggedLine {
  severity: number;
  message: string;
  urn: string;
}

export interface PluginProcess {
  client: ResourceProviderClient;
  /** Calls a unary method by name, as a promise. */
  call<Res>(method: string, req: unknown): Promise<Res>;
  /** Lines the plugin sent to the engine's Log. */
  logs: LoggedLine[];
  /** What the plugin wrote to stdout after the port, and to stderr. */
  output(): string;
  close(): Promise<void>;
}

async function startFakeEngine(logs: LoggedLine[]): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  const unimplemented: grpc.handleUnaryCall<unknown, unknown> = (_c, cb) => cb({ code: grpc.status.UNIMPLEMENTED });
  const impl: grpc.UntypedServiceImplementation = Object.fromEntries(
    Object.keys(EngineService).map((name) => [name, unimplemented]),
  );
  impl.log = ((call, cb) => {
    const r = call.request as LogRequest;
    logs.push({ severity: r.getSeverity(), message: r.getMessage(), urn: r.getUrn() });
    cb(null, new Empty());
  }) as grpc.handleUnaryCall<LogRequest, Empty>;
  server.addService(EngineService, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { server, port };
}

/** The first stdout line of `child` (the port), or its failure. */
function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    rl.once("line", (line) => resolve(line.trim()));
    child.once("exit", (code) => reject(new Error(`plugin exited (${code}) before its port: ${stderr()}`)));
  });
}

/** Starts the bundled plugin with `env` added to this process's environment. */
export async function startPlugin(env: Record<string, string> = {}): Promise<PluginProcess> {
  if (!fs.existsSync(pluginLauncher)) throw new Error("the plugin is not built: run scripts/build-artifacts.sh");
  const logs: LoggedLine[] = [];
  const engine = await startFakeEngine(logs);
  const child = spawn(pluginLauncher, ["--logtostderr", "-v=9", `127.0.0.1:${engine.port}`], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stderr?.on("data", (b: Buffer) => (text += b.toString("utf8")));
  const port = await firstLine(child, () => text).catch(async (e: unknown) => {
    engine.server.forceShutdown();
    throw e;
  });
  child.stdout?.on("data", (b: Buffer) => (text += b.toString("utf8")));
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <Res>(method: string, req: unknown): Promise<Res> =>
    new Promise((resolve, reject) => {
      const fn = (client as unknown as Record<string, (r: unknown, cb: (e: unknown, r: Res) => void) => void>)[method];
      if (fn === undefined) throw new Error(`no method ${method}`);
      fn.call(client, req, (e, r) => (e ? reject(e as Error) : resolve(r)));
    });
  return {
    client,
    call,
    logs,
    output: () => text,
    close: async () => {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      engine.server.forceShutdown();
    },
  };
}

/** Reads `Empty` so callers need not import google-protobuf for it. */
export const empty = (): Empty => new Empty();
