/** What every operation says besides its result: the status metric, the plain-http warning, substitutions. */
import { compact } from "../json";
import { pushStatus, type DcrStatus } from "../metrics";
import { afterWrite, describeSubstitution, type Applied } from "../plan/applied";
import { idpView, ourKids } from "../plan/owned";
import type { DcrOutputs, DesiredRecord } from "../types";
import { ratExpiryWarning } from "../protocol/rat-expiry";
import type { ClientHandle } from "../protocol/types";
import { printable } from "../text";
import type { CoreContext } from "./context";

/** "DcrClient <id>" for log lines, the id escaped: an IdP-chosen client_id holding CR/LF cannot forge a line. */
export function who(clientId: string): string {
  return `DcrClient ${printable(clientId)}`;
}

/** Pushes `status` when a Pushgateway is configured (never throws; a failure is a warning). */
export async function report(
  desired: DesiredRecord,
  clientId: string,
  status: DcrStatus | undefined,
  ctx: CoreContext,
): Promise<void> {
  if (status === undefined) return;
  await pushStatus(desired.pushgatewayUrl, clientId, status, (m) => ctx.log.warn(m), desired.metricName);
}

/** The warning every run gives while plain http is allowed towards a non-loopback IdP. */
export function warnInsecure(desired: DesiredRecord, clientId: string, ctx: CoreContext): void {
  if (desired.allowInsecureHttp !== true) return;
  ctx.log.warn(
    `${who(clientId)}: allowInsecureHttp is set: tokens and keys may travel over plain http to the IdP; use it only on a private network you control`,
  );
}

/**
 * Outputs after a write of `sent`: what the IdP answered differently is recorded as applied
 * (plan/applied.ts) and warned about once, here, never again on later runs.
 */
export function written(
  outs: DcrOutputs,
  sent: Record<string, unknown>,
  want: Record<string, unknown>,
  previous: Applied | undefined,
  ctx: CoreContext,
): DcrOutputs {
  const { applied, substitutions } = afterWrite(sent, idpView(outs), want, previous, ourKids(outs));
  for (const s of substitutions) ctx.log.warn(`${who(outs.clientId)}: ${describeSubstitution(s)}`);
  return compact({ ...outs, applied: Object.keys(applied).length > 0 ? applied : undefined });
}

/** The one warning a client gets when its registration access token is a JWT that expires (said at create). */
export function warnRatExpiry(handle: ClientHandle, ctx: CoreContext): void {
  const warning = ratExpiryWarning(handle.clientId, handle.registrationAccessToken, ctx.now);
  if (warning !== undefined) ctx.log.warn(warning);
}
