/**
 * The one rule both faces apply to arguments and stack config: an argument the program did not
 * pass comes from `dcr:<name>` config; a `secret` argument found in config is NOT copied into the
 * inputs (state would keep it) — the core gets it as CoreContext.secrets instead; a `secretInput`
 * argument (adopt) from config is copied, as a secret. Pure: the dynamic face calls it program
 * side over pulumi.Config (resource.ts, runtime.ts), the plugin in Check over the config the
 * engine sent (plugin/config.ts).
 */
import { ARG_HANDLING, ARG_NAMES, SECRET_ARGS, type ArgName } from "./args";
import type { StackSecrets } from "./core/context";

/** Where `dcr:<name>` config values are read from. */
export interface ArgConfig {
  /** A plain config value, or undefined when unset. */
  get(name: ArgName): unknown;
  /** A config value read as a secret (for `secretInput` arguments), or undefined when unset. */
  getSecret(name: ArgName): unknown;
}

/** The inputs an adapter sends on, and which of them must travel (and be stored) as secrets. */
export interface ArgsWithConfig {
  values: Record<string, unknown>;
  secret: ReadonlySet<string>;
}

/**
 * `args` (what the program passed) completed from config. Explicitly passed `secret` and
 * `secretInput` arguments, and `secretInput` ones from config, are named in `secret`. Anything
 * that is not an argument (a typo from JavaScript, e.g. `rotateAfterDayz`) goes through too, so
 * check refuses it by name instead of the argument being dropped silently.
 */
export function argsWithConfig(args: Readonly<Record<string, unknown>>, config: ArgConfig): ArgsWithConfig {
  const values: Record<string, unknown> = {};
  const secret = new Set<string>();
  for (const name of ARG_NAMES) {
    const given = args[name];
    const handling = ARG_HANDLING[name];
    if (given !== undefined) {
      values[name] = given;
      if (handling !== "plain") secret.add(name);
      continue;
    }
    if (handling === "secret") continue;
    const raw = handling === "secretInput" ? config.getSecret(name) : config.get(name);
    if (raw === undefined) continue;
    values[name] = raw;
    if (handling === "secretInput") secret.add(name);
  }
  for (const [name, value] of Object.entries(args)) {
    if (value !== undefined && !(name in ARG_HANDLING)) values[name] = value;
  }
  return { values, secret };
}

/**
 * The `secret` arguments stack config supplies (`dcr:initialAccessToken`, …), which the adapter
 * keeps and passes to the core. `get` reads `dcr:<name>`; empty strings count as unset.
 */
export function configSecrets(get: (name: ArgName) => string | undefined): StackSecrets {
  const secrets: StackSecrets = {};
  for (const name of SECRET_ARGS) {
    const v = get(name);
    if (v !== undefined && v !== "") secrets[name] = v;
  }
  return secrets;
}
