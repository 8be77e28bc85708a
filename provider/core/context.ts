/**
 * What every core operation is given instead of reading its surroundings: the instant to plan at,
 * the stack-config secrets the engine handed the adapter, and where log lines go. Plain values:
 * the dynamic provider (dynamic.ts) builds one per call, a provider plugin would do the same.
 */
import type { ConfigSecretArg } from "../args";

/** Secret arguments supplied by stack config (`dcr:initialAccessToken`, …), never by inputs. */
export type StackSecrets = Partial<Record<ConfigSecretArg, string>>;

/** Where an operation's lines go (the engine's output). */
export interface CoreLog {
  info(message: string): void;
  warn(message: string): void;
}

/** The surroundings of one core operation. */
export interface CoreContext {
  /** The instant rotation is evaluated at (the adapter passes its clock, which honours DCR_NOW). */
  now: Date;
  /** Secrets from stack config. */
  secrets: StackSecrets;
  log: CoreLog;
  /**
   * Thumbprints of bring-your-own keys by algorithm and PEM, kept by the caller for the life of
   * its host: check, diff and update each need one, and a PEM parse is the costliest step of a
   * no-op run. Optional; failures are not kept.
   */
  thumbprints?: Map<string, Promise<string>>;
  /** The fetch every request to the IdP goes through (default: the global one); tests drive a whole operation without a socket. */
  fetch?: typeof globalThis.fetch;
}
