/**
 * What happens when the IdP refuses a registration access token (401/403, or 400 invalid_token /
 * access_denied; see refusal.ts): renew it once through
 * the admin API and retry once when an admin token is configured; otherwise an ERR_RAT_INVALID
 * that names both possible causes and the remedies. A client is never re-registered here.
 */
import { DcrError } from "../errors";
import { printable } from "../text";
import { send } from "./http";
import { processRenewal } from "./process-renewal";
import { ratExpiresAt } from "./rat-expiry";
import { RatRefused } from "./refusal";
import { displayUrl } from "./redact";
import { ADMIN_WORDS, renewalConfigured, renewalUrl } from "./renewal-url";
import { renewalRequest } from "./requests";
import type { ClientHandle, RenewalOptions, RequestOptions } from "./types";

export { ADMIN_WORDS, renewalConfigured, renewalUrl } from "./renewal-url";
export { RatRefused } from "./refusal";

/**
 * Asks the IdP's admin API for a new registration access token (POST with the admin token) and
 * stores it in `handle`. Retried like an idempotent request: a lost answer only costs one token.
 * @throws DcrError ERR_CONFIG without an admin token; ERR_CLIENT_GONE on 404;
 *   ERR_RAT_INVALID when the admin token is refused; ERR_IDP_RESPONSE on a malformed answer.
 */
export async function renewRat(handle: ClientHandle, opts: RequestOptions & RenewalOptions): Promise<void> {
  if (opts.adminToken === undefined || opts.adminToken === "") {
    throw new DcrError(
      "ERR_CONFIG",
      `renewing the registration access token of client ${printable(handle.clientId)} needs "adminToken" (or dcr:adminToken)`,
    );
  }
  const call = renewalRequest(handle, { ...opts, adminToken: opts.adminToken });
  const doing = `renewing the registration access token of client ${printable(handle.clientId)}`;
  const token = processRenewal(await send(call, opts), call, { handle, doing });
  handle.registrationAccessToken = token;
  opts.log?.(`client ${printable(handle.clientId)}: registration access token renewed through the admin API`);
}

/**
 * Runs `operation` (which throws {@link RatRefused} when the token is refused); on a refusal renews the RAT once
 * and runs it once more when an admin token is set, else throws the actionable ERR_RAT_INVALID.
 */
export async function withRenewal<T>(
  handle: ClientHandle,
  opts: RequestOptions & RenewalOptions,
  doing: string,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (e) {
    if (!(e instanceof RatRefused)) throw e;
    if (opts.adminToken === undefined || opts.adminToken === "") throw ratInvalid(handle, doing, e, false, opts);
    opts.log?.(`${doing}: the registration access token was refused (${e.status}); renewing it through the admin API`);
    await renewRat(handle, opts);
    try {
      return await operation();
    } catch (again) {
      if (again instanceof RatRefused) throw ratInvalid(handle, doing, again, true, opts);
      throw again;
    }
  }
}

/** What most likely happened when a retried request was refused after an earlier attempt's answer was lost. */
function lostAnswer(earlier: { method: string; lost: string }, renewed: boolean): string {
  if (renewed) return `An earlier ${earlier.method} attempt got no usable answer (${earlier.lost}).`;
  const effect =
    earlier.method === "DELETE"
      ? "the IdP most likely deleted the client then (RFC 7592 IdPs answer 401 for a deleted client): check in the IdP admin, and if it is gone, `pulumi state delete <urn>`."
      : earlier.method === "GET"
        ? "an IdP that rotates the registration access token on every request (Curity does on GET) most likely rotated it then, and the new token was lost with that answer."
        : `the IdP most likely applied that ${earlier.method} and rotated the registration access token (RFC 7592 IdPs such as oidc-provider, Keycloak and Hydra do on every update), and the new token was lost with that answer; the retry with the old token was refused. The client still exists and the state keeps its last confirmed keys.`;
  return `An earlier ${earlier.method} attempt got no usable answer (${earlier.lost}): ${effect}`;
}

/** The ERR_RAT_INVALID a refused token ends in: both causes, and what to run. */
function ratInvalid(
  handle: ClientHandle,
  doing: string,
  refusal: RatRefused,
  renewed: boolean,
  opts: RenewalOptions & RequestOptions,
): DcrError {
  const issue = renewalConfigured(opts)
    ? `POST ${displayUrl(renewalUrl(handle, opts))} with an admin token`
    : ADMIN_WORDS;
  const what = renewed
    ? `${doing}: the IdP refused the registration access token even after it was renewed through the admin API (${refusal.said})`
    : `${doing}: the IdP refused the registration access token (${refusal.said})`;
  const client = printable(handle.clientId);
  const reissue =
    `have an IdP admin issue a fresh registration access token for client ${client} (${issue}), ` +
    `remove the resource from state (\`pulumi state delete <urn>\`) and run \`pulumi up\` with clientId and that token in the \`adopt\` input`;
  const renew = `set "adminToken" (\`pulumi config set --secret dcr:adminToken <token>\`) so the token is renewed automatically`;
  const expiredAt = ratExpiresAt(handle.registrationAccessToken);
  const now = opts.now ?? new Date();
  const message =
    expiredAt !== undefined && expiredAt.getTime() <= now.getTime()
      ? `${what}: the token expired at ${expiredAt.toISOString()}. Nothing was re-registered. ` +
        `The client most likely still exists: ${renew}, or ${reissue}.`
      : (refusal.earlier === undefined ? "" : `${lostAnswer(refusal.earlier, renewed)} `) +
        `${what}. Either the client was deleted at the IdP (RFC 7592 IdPs may answer 401 for a client that no longer exists), ` +
        `or its registration access token was revoked or expired. Nothing was re-registered. ` +
        `If the client still exists: ${renew}, or ${reissue}. If the client is gone: \`pulumi state delete <urn>\` and run \`pulumi up\` to register a new one.`;
  const options =
    refusal.idpError === undefined
      ? { cause: refusal, status: refusal.status as number }
      : { cause: refusal, status: refusal.status as number, idpError: refusal.idpError };
  return new DcrError("ERR_RAT_INVALID", message, options);
}
