/**
 * What happens when the IdP refuses a registration access token (401/403): renew it once through
 * the admin API and retry once when an admin token is configured; otherwise an ERR_RAT_INVALID
 * that names both possible causes and the remedies. A client is never re-registered here.
 */
import { DcrError } from "../errors";
import { idpError, jsonObject, send, type HttpCall } from "./http";
import { displayUrl } from "./redact";
import { assertSafeUrl } from "./safe-url";
import { DEFAULT_RAT_RENEWAL_PATH, type ClientHandle, type RenewalOptions, type RequestOptions } from "./types";

/** Where to get a token from when no admin API is configured: words that hold for any IdP. */
export const ADMIN_WORDS = "in the IdP's admin console or admin API";

/** True when an admin API for tokens is configured (an admin token, or an explicit renewal path). */
export function renewalConfigured(opts: RenewalOptions): boolean {
  return (opts.adminToken !== undefined && opts.adminToken !== "") || opts.ratRenewalPath !== undefined;
}

/** A 401/403 on a management request, before the renewal policy decides what it means. */
export class RatRefused extends DcrError {
  /**
   * @param earlier set when an earlier attempt of the same request got no usable answer after it
   *   may have reached the IdP: the refusal is then most likely the consequence of that attempt.
   */
  constructor(
    readonly said: string,
    status: number,
    idpErr?: string,
    readonly earlier?: { method: string; lost: string },
  ) {
    super("ERR_RAT_INVALID", said, idpErr === undefined ? { status } : { status, idpError: idpErr });
  }
}

/** The renewal endpoint for `handle`: the template with `{client_id}` filled in, made absolute. */
export function renewalUrl(
  handle: ClientHandle,
  opts: RenewalOptions & Pick<RequestOptions, "allowInsecureHttp"> = {},
): URL {
  const filled = (opts.ratRenewalPath ?? DEFAULT_RAT_RENEWAL_PATH)
    .split("{client_id}")
    .join(encodeURIComponent(handle.clientId));
  if (/^[a-z][a-z0-9+.-]*:/i.test(filled)) return assertSafeUrl(filled, "ratRenewalPath", opts.allowInsecureHttp);
  const origin = assertSafeUrl(handle.registrationClientUri, "registrationClientUri", opts.allowInsecureHttp).origin;
  return assertSafeUrl(new URL(filled, origin).href, "ratRenewalPath", opts.allowInsecureHttp);
}

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
      `renewing the registration access token of client ${handle.clientId} needs "adminToken" (or dcr:adminToken)`,
    );
  }
  const call: HttpCall = {
    method: "POST",
    url: renewalUrl(handle, opts),
    bearer: opts.adminToken,
    retry: "idempotent",
    secrets: [handle.registrationAccessToken, handle.clientSecret],
  };
  const doing = `renewing the registration access token of client ${handle.clientId}`;
  const answer = await send(call, opts);
  if (answer.status === 404 || answer.status === 410) {
    throw new DcrError(
      "ERR_CLIENT_GONE",
      `${doing}: the IdP's admin API (${displayUrl(call.url)}) answered ${answer.status}: the client no longer exists at the IdP`,
      {
        status: answer.status,
      },
    );
  }
  if (answer.status === 401 || answer.status === 403) {
    throw new DcrError(
      "ERR_RAT_INVALID",
      `${doing}: the IdP refused the admin token (${answer.status} at ${displayUrl(call.url)}); check "adminToken" / dcr:adminToken, or have an IdP admin issue a fresh registration access token, remove the resource from state (\`pulumi state delete <urn>\`) and run \`pulumi up\` with it in the \`adopt\` input`,
      {
        status: answer.status,
      },
    );
  }
  if (answer.status !== 200 && answer.status !== 201) throw idpError(answer, call, doing);
  const body = jsonObject(answer, call);
  // Admin APIs answer in their own dialect: the seed IdP in RFC 7591 snake_case, Keycloak with
  // its ClientRepresentation in camelCase (clientId, registrationAccessToken).
  const clientId = body.client_id ?? body.clientId;
  if (clientId !== undefined && clientId !== handle.clientId) {
    throw new DcrError(
      "ERR_IDP_RESPONSE",
      `${doing}: the admin API answered about client_id "${String(clientId)}"; the token was not used`,
    );
  }
  const token = body.registration_access_token ?? body.registrationAccessToken;
  if (typeof token !== "string" || token === "") {
    throw new DcrError("ERR_IDP_RESPONSE", `${doing}: the admin API's answer has no registration_access_token`);
  }
  handle.registrationAccessToken = token;
  opts.log?.(`client ${handle.clientId}: registration access token renewed through the admin API`);
}

/**
 * Runs `operation` (which throws {@link RatRefused} on 401/403); on a refusal renews the RAT once
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
  const message =
    (refusal.earlier === undefined ? "" : `${lostAnswer(refusal.earlier, renewed)} `) +
    `${what}. Either the client was deleted at the IdP (RFC 7592 IdPs may answer 401 for a client that no longer exists), ` +
    `or its registration access token was revoked or expired. Nothing was re-registered. ` +
    `If the client still exists: set "adminToken" (\`pulumi config set --secret dcr:adminToken <token>\`) so the token is renewed ` +
    `automatically, or have an IdP admin issue a fresh registration access token for client ${handle.clientId} (${issue}), ` +
    `remove the resource from state (\`pulumi state delete <urn>\`) and run \`pulumi up\` with clientId and that token in the \`adopt\` input. If the client is gone: \`pulumi state delete <urn>\` and run \`pulumi up\` to register a new one.`;
  const options =
    refusal.idpError === undefined
      ? { cause: refusal, status: refusal.status as number }
      : { cause: refusal, status: refusal.status as number, idpError: refusal.idpError };
  return new DcrError("ERR_RAT_INVALID", message, options);
}
