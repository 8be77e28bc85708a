/**
 * Entry of `pulumi-resource-dcr`: the engine starts it with its own gRPC address as the last
 * argument (plus flags such as `--logtostderr`, `-v=9`, `--tracing <endpoint>`); it serves the
 * ResourceProvider service on 127.0.0.1 and prints the port as its first stdout line.
 */
import { engineAddress } from "./argv";
import { serve } from "./server";
import { PluginState } from "./state";

async function main(): Promise<void> {
  const state = new PluginState();
  const address = engineAddress(process.argv.slice(2));
  if (address !== undefined) state.log.connect(address);
  const { port } = await serve(state);
  process.stdout.write(`${port}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`pulumi-resource-dcr: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
