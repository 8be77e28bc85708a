/**
 * The provider's configuration (`dcr:<name>` stack config), as CheckConfig/Configure received
 * it, and the shared rule (config-args.ts) applied to a resource's inputs in Check.
 */
import type { ArgName } from "../args";
import { argsWithConfig, configSecrets, type ArgsWithConfig } from "../config-args";
import type { StackSecrets } from "../core";

/** Config values by argument name (`rotateAfterDays`, not `dcr:rotateAfterDays`), secrets revealed. */
export type ConfigValues = Readonly<Record<string, unknown>>;

/**
 * Config from a Configure request: its `args` when the engine sent them, else its `variables`
 * map (`dcr:config:<name>` → string).
 */
export function configFrom(args: ConfigValues, variables: ReadonlyMap<string, string>): ConfigValues {
  if (Object.keys(args).length > 0) return args;
  const out: Record<string, unknown> = {};
  for (const [key, value] of variables) {
    const m = /^dcr:(?:config:)?(.+)$/.exec(key);
    if (m?.[1] !== undefined) out[m[1]] = value;
  }
  return out;
}

/** A config value as the string `dcr:<name>` would read (non-strings as JSON). */
function asString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The provider's config for the life of the plugin process. */
export class PluginConfig {
  private values: ConfigValues = {};

  /** Keeps `values` (from CheckConfig or Configure). */
  set(values: ConfigValues): void {
    this.values = values;
  }

  /** The secret arguments config supplies, for CoreContext.secrets (never copied into inputs). */
  secrets(): StackSecrets {
    return configSecrets((name) => asString(this.values[name]));
  }

  /** A resource's inputs completed from config by the shared rule. */
  complete(news: Readonly<Record<string, unknown>>): ArgsWithConfig {
    const get = (name: ArgName): unknown => this.values[name];
    return argsWithConfig(news, { get, getSecret: get });
  }
}
