/**
 * Entry of `pulumi-resource-dcr`: the engine starts it with its own gRPC address as the last
 * argument (plus flags such as `--logtostderr`, `-v=9`, `--tracing <endpoint>`); it serves the
 * ResourceProvider service on 127.0.0.1 and prints the port as its first stdout line.
 */
import { serve } from "./server";
import { PluginState } from "./state";

/** Flags the engine may pass that take the next argument as their value. */
const FLAGS_WITH_VALUE = new Set(["--tracing", "--root"]);

/** The engine's address among the arguments: the last one that is not a flag or a flag's value. */
export function engineAddress(args: readonly string[]): string | undefined {
  let address: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (FLAGS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith("-")) address = arg;
  }
  return address;
}

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
