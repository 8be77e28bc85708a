/**
 * The plugin face in the engine bench: n `dcr:index:Client` resources registered by an inline
 * Node program as plain custom resources, served by `pulumi-resource-dcr` installed from the
 * archive `npm run artifacts` builds into the stack's own PULUMI_HOME (no `__provider` in state).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { createEngineStack, pulumiCommand, repoRoot, type EngineStack } from "../test/support/engine";
import type { BenchIdp } from "./idps";

/** The package version, which is the plugin's. */
const VERSION = (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string })
  .version;

/** The plugin archive scripts/build-artifacts.sh writes. */
export const PLUGIN_ARCHIVE = path.join(
  repoRoot,
  ".build",
  "artifacts",
  `pulumi-resource-dcr-v${VERSION}-linux-amd64.tar.gz`,
);

/** The resource token of the plugin face. */
export const PLUGIN_TYPE = "dcr:index:Client";

/** The outputs to read back (declared as undefined inputs, as an SDK does). */
const OUTPUTS = ["clientId", "activeKid", "jwks", "registrationAccessToken"] as const;

/** A plugin-face client as a program without the generated SDK declares it. */
class PluginClient extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, version: string) {
    super(PLUGIN_TYPE, name, props, { version });
  }
}

/** A stack of `size` plugin-face clients, with the plugin installed into its PULUMI_HOME. */
export async function pluginStack(size: number, idp: BenchIdp, env: Record<string, string>): Promise<EngineStack> {
  if (!fs.existsSync(PLUGIN_ARCHIVE)) throw new Error(`${PLUGIN_ARCHIVE} is missing: run npm run artifacts`);
  const stack = await createEngineStack({
    projectName: "bench-plugin",
    env,
    config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } },
    program: async () => {
      for (let i = 0; i < size; i++) {
        const outputs = Object.fromEntries(OUTPUTS.map((o) => [o, undefined]));
        new PluginClient(
          `client-${i}`,
          {
            ...outputs,
            registrationEndpoint: idp.registrationEndpoint,
            updateMethod: idp.updateMethod,
            clientName: `bench-${i}`,
            keyAlgorithm: "ES256",
            redirectUris: [`https://bff-${i}.example.com/cb`],
          },
          VERSION,
        );
      }
    },
  });
  const cli = (await pulumiCommand()) as unknown as {
    run(args: string[], cwd: string, env: Record<string, string>): Promise<{ stdout: string }>;
  };
  await cli.run(["plugin", "install", "resource", "dcr", VERSION, "--file", PLUGIN_ARCHIVE], stack.workDir, {
    PULUMI_HOME: stack.pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  });
  return stack;
}
