/**
 * Calls on the plugin process (plugin-process.ts) shared by the plugin's gRPC tests: configure it
 * as the engine does, build a Check request, read a reply's Struct with its secrets named.
 */
import * as assert from "node:assert/strict";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { SIG, startPlugin, struct, type PluginProcess } from "./plugin-process";

/** The urn the tests' resource is called with. */
export const URN = "urn:pulumi:dev::proj::dcr:index:Client::bff";

/** A Struct's values with secrets revealed, and the names of the members that were secret. */
export function open(s: Struct | undefined): { values: Record<string, unknown>; secret: string[]; plain: string } {
  const raw = (s?.toJavaScript() ?? {}) as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  const secretNames: string[] = [];
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const isSecret = typeof v === "object" && v !== null && SIG in v;
    values[k] = isSecret ? (v as unknown as { value: unknown }).value : v;
    if (isSecret) secretNames.push(k);
    else plain[k] = v;
  }
  return { values, secret: secretNames.sort(), plain: JSON.stringify(plain) };
}

/** Configures `plugin` with `config` (secrets marked) as the engine does: CheckConfig, then Configure with its reply. */
export async function configure(plugin: PluginProcess, config: Record<string, unknown>): Promise<pb.ConfigureResponse> {
  const checked = await plugin.call<pb.CheckResponse>(
    "checkConfig",
    new pb.CheckRequest().setUrn("urn:pulumi:dev::proj::pulumi:providers:dcr::default").setNews(struct(config)),
  );
  assert.deepEqual(checked.getFailuresList(), [], "config passes CheckConfig");
  return plugin.call<pb.ConfigureResponse>(
    "configure",
    new pb.ConfigureRequest().setArgs(checked.getInputs()).setAcceptsecrets(true),
  );
}

/** A Check request on {@link URN}. */
export function checkRequest(news: Record<string, unknown>, olds: Record<string, unknown> = {}): pb.CheckRequest {
  return new pb.CheckRequest().setUrn(URN).setOlds(struct(olds)).setNews(struct(news));
}

/** Runs `fn` with a plugin process started with `env`, stopped afterwards. */
export async function withPlugin(env: Record<string, string>, fn: (p: PluginProcess) => Promise<void>): Promise<void> {
  const plugin = await startPlugin(env);
  try {
    await fn(plugin);
  } finally {
    await plugin.close();
  }
}
