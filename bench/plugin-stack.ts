/**
 * The plugin face in the engine bench: n `dcr:index:Client` resources registered by an inline
 * Node program as plain custom resources, served by `pulumi-resource-dcr` installed from the
 * archive `npm run artifacts` builds into the stack's own PULUMI_HOME (no `__provider` in state).
 */
import * as pulumi from "@pulumi/pulumi";
import { createEngineStack, type EngineStack } from "../test/support/engine";
import { installPlugin, packageVersion } from "../test/support/lang-tools";
import type { BenchIdp } from "./idps";

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
          packageVersion,
        );
      }
    },
  });
  await installPlugin(stack.pulumiHome);
  return stack;
}
