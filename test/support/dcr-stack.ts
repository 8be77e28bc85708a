/**
 * A stack holding DcrClient resources built from mutable args, for engine tests: change
 * `stack.args` (or config/env) between operations and run the next `up`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { createEngineStack, loadPackage, type EngineStack } from "./engine";
import type { DcrClientArgs } from "../../provider/args";

export interface DcrStack extends EngineStack {
  /** Args per resource name; edit between runs. */
  args: Record<string, DcrClientArgs>;
  /** Outputs of the last `up`, per resource name (secrets unwrapped). */
  outputsOf(name: string): Promise<Record<string, unknown>>;
}

/** Exported outputs of every client, under `<name>`. */
const OUTPUT_NAMES = [
  "clientId",
  "registrationClientUri",
  "registrationAccessToken",
  "jwks",
  "activeKid",
  "privateKeyPem",
  "privateJwks",
  "keys",
  "redirectUris",
  "nextRotationAt",
  "metadata",
  "registrationEndpoint",
  "nextKid",
  "nextKeyActivatesAt",
  "nextPrivateKeyPem",
] as const;

export async function createDcrStack(
  args: Record<string, DcrClientArgs>,
  opts: { config?: ConfigMap; env?: Record<string, string>; projectName?: string } = {},
): Promise<DcrStack> {
  const { DcrClient } = loadPackage();
  const holder = { args };
  const engine = await createEngineStack({
    projectName: opts.projectName ?? "dcr-e2e",
    config: opts.config,
    env: opts.env,
    program: async () => {
      const exports: Record<string, unknown> = {};
      for (const [name, a] of Object.entries(holder.args)) {
        const c = new DcrClient(name, a) as unknown as Record<string, pulumi.Output<unknown>>;
        exports[name] = pulumi.secret(pulumi.all(Object.fromEntries(OUTPUT_NAMES.map((k) => [k, c[k]]))));
      }
      return exports;
    },
  });
  const stack = engine as DcrStack;
  Object.defineProperty(stack, "args", {
    get: () => holder.args,
    set: (v: Record<string, DcrClientArgs>) => {
      holder.args = v;
    },
  });
  // Read from state, not stack outputs: refresh updates resources but not the program's exports.
  stack.outputsOf = async (name: string) => {
    const deployment = (await engine.stack.exportStack()).deployment as {
      resources?: { urn: string; outputs?: Record<string, unknown> }[];
    };
    const res = (deployment.resources ?? []).find((r) => r.urn.endsWith(`::${name}`) && r.urn.includes("DcrClient"));
    return unwrapSecrets(res?.outputs ?? {}) as Record<string, unknown>;
  };
  return stack;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replace state's secret envelopes `{<sig>: …, plaintext: "<json>"}` with their values. */
export function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] !== undefined && typeof o.plaintext === "string") return unwrapSecrets(JSON.parse(o.plaintext));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/** Resources of a type in an exported deployment. */
export function resourcesOfType(
  exported: string,
  type = "pulumi-nodejs:dynamic/dcr:DcrClient",
): { outputs: Record<string, unknown>; inputs: Record<string, unknown> }[] {
  const d = JSON.parse(exported) as {
    deployment: { resources?: { type: string; outputs: Record<string, unknown>; inputs: Record<string, unknown> }[] };
  };
  return (d.deployment.resources ?? []).filter((r) => r.type === type);
}
