/**
 * The provider object as the engine runs it: serialized from the packed package exactly as
 * pulumi.dynamic.Resource does, then deserialized the way the dynamic-provider host does
 * (require-from-string, resolving modules from a project directory).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { e2eRoot, packedModules } from "./engine";
import type { DcrInputs, DcrOutputs } from "../../provider/types";

export type Provider = Required<pulumi.dynamic.ResourceProvider<DcrInputs, DcrOutputs>>;

/** The serialized text of the packed package's provider (what `__provider` holds). */
export async function serializedProvider(): Promise<string> {
  const stub = require(path.join(packedModules, "pulumi-dcr", "dist", "provider", "provider-stub.js")) as {
    dcrProvider: object;
  };
  const provider = stub.dcrProvider; // captured as a value, exactly as pulumi.dynamic.Resource does
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
  return sf.text;
}

/** Serialize → deserialize → configure with `config` (stack config keys such as "dcr:adminToken"). */
export async function roundTripProvider(
  config: Record<string, string> = {},
): Promise<{ provider: Provider; text: string }> {
  const text = await serializedProvider();
  const requireFromString = require("require-from-string") as (
    code: string,
    filename?: string,
  ) => { handler(): Provider };
  const provider = requireFromString(text, path.join(e2eRoot, "__provider.js")).handler();
  await provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k] as string } });
  return { provider, text };
}
