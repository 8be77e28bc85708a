/**
 * The three stacks the engine section compares, each in its own sandbox (PULUMI_HOME, file
 * backend, work dir) driven through the real CLI: n DcrClients (the dynamic face; ES256,
 * registered at a loopback oidc-provider), the same n clients through the provider plugin
 * (plugin-stack.ts), and n trivial no-I/O dynamic resources.
 */
import { createEngineStack, loadPackage, type EngineStack } from "../test/support/engine";
import type { BenchIdp } from "./idps";
import { pluginStack } from "./plugin-stack";
import { Trivial } from "./trivial-resource";

export type StackKind = "dcr" | "plugin" | "trivial";

export interface BenchStack extends EngineStack {
  kind: StackKind;
  size: number;
}

/**
 * `checkpoints: false` sets PULUMI_SKIP_CHECKPOINTS=true (the engine saves state once at the end
 * instead of after every step): used only to attribute time to the engine's state persistence.
 */
export async function createBenchStack(
  kind: StackKind,
  size: number,
  idp: BenchIdp,
  checkpoints = true,
): Promise<BenchStack> {
  const env: Record<string, string> = checkpoints ? {} : { PULUMI_SKIP_CHECKPOINTS: "true" };
  const engine =
    kind === "dcr"
      ? await dcrStack(size, idp, env)
      : kind === "plugin"
        ? await pluginStack(size, idp, env)
        : await trivialStack(size, env);
  return Object.assign(engine, { kind, size });
}

async function dcrStack(size: number, idp: BenchIdp, env: Record<string, string>): Promise<EngineStack> {
  const { DcrClient } = loadPackage();
  return createEngineStack({
    projectName: "bench-dcr",
    env,
    config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } },
    program: async () => {
      for (let i = 0; i < size; i++) {
        new DcrClient(`client-${i}`, {
          registrationEndpoint: idp.registrationEndpoint,
          updateMethod: idp.updateMethod,
          clientName: `bench-${i}`,
          keyAlgorithm: "ES256",
          redirectUris: [`https://bff-${i}.example.com/cb`],
        });
      }
    },
  });
}

async function trivialStack(size: number, env: Record<string, string>): Promise<EngineStack> {
  return createEngineStack({
    projectName: "bench-trivial",
    env,
    program: async () => {
      for (let i = 0; i < size; i++) new Trivial(`trivial-${i}`, `label-${i}`);
    },
  });
}

/**
 * Bytes of `pulumi stack export` as the CLI prints it (pretty JSON, secrets encrypted), the same
 * re-serialized compactly, and the `__provider` strings of resources of `type`.
 */
export async function stateFacts(
  stack: EngineStack,
  type: string,
): Promise<{ bytes: number; compactBytes: number; providers: string[] }> {
  const text = await stack.exportText();
  const d = JSON.parse(text) as { deployment: { resources?: { type: string; outputs?: Record<string, unknown> }[] } };
  const providers = (d.deployment.resources ?? [])
    .filter((r) => r.type === type)
    .map((r) => (r.outputs?.__provider === undefined ? "" : String(r.outputs.__provider)));
  return { bytes: Buffer.byteLength(text), compactBytes: Buffer.byteLength(JSON.stringify(d)), providers };
}
