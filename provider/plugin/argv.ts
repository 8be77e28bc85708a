/** The plugin's command line as the engine writes it. */

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
