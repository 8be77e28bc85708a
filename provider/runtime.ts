/**
 * The provider host's surroundings: the clock (DCR_NOW), logging, stack config secrets read in
 * configure(), and Pulumi's partial-failure error shape. No state is kept here.
 */
import type * as pulumi from "@pulumi/pulumi";
import { configSecrets } from "./config-args";
import type { StackSecrets } from "./core/context";
import { DcrError } from "./errors";
import { printable } from "./text";

/**
 * The secret arguments stack config supplies (`dcr:initialAccessToken`, …), read in configure();
 * the caller keeps them and passes them to the core. Empty strings count as unset.
 */
export function stackSecretsOf(config: pulumi.dynamic.Config): StackSecrets {
  return configSecrets((name) => config.get(`dcr:${name}`));
}

/**
 * Now, or the instant in DCR_NOW (ISO-8601): rotation is evaluated as of that instant
 * (forecasts: `DCR_NOW=2027-01-01T00:00:00Z pulumi preview`; tests).
 */
export function clock(): Date {
  const raw = process.env.DCR_NOW;
  if (raw === undefined || raw === "") return new Date();
  const t = Date.parse(raw);
  if (Number.isNaN(t))
    throw new DcrError("ERR_CONFIG", `DCR_NOW must be an ISO-8601 instant such as 2027-01-01T00:00:00Z`);
  return new Date(t);
}

/**
 * Informational line in the engine's output (the provider host forwards its stdout). Always one
 * line: whatever a message quotes (a kid or value an IdP chose) cannot start a forged line.
 */
export function logInfo(message: string): void {
  console.log(printable(message));
}

/** Warning line in the engine's output; one line, like {@link logInfo}. */
export function logWarn(message: string): void {
  console.warn(`warning: ${printable(message)}`);
}

/**
 * The error Pulumi records as partial state: the client exists (`id`) and `properties` are the
 * outputs to keep — so a registered client or a rotated RAT is never lost.
 */
export function partialFailure(cause: unknown, id: string, inputs: object, properties: object): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  const err = new Error(
    `${message} (the client ${printable(id)} and its current registration access token are kept in state)`,
    {
      cause,
    },
  ) as Error & {
    id: string;
    properties: Record<string, unknown>;
    reasons: string[];
  };
  err.id = id;
  const provider = (inputs as Record<string, unknown>).__provider;
  err.properties = {
    ...(properties as Record<string, unknown>),
    ...(provider !== undefined ? { __provider: provider } : {}),
  };
  err.reasons = [message];
  return err;
}
