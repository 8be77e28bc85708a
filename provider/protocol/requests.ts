/**
 * The requests of the protocol, built as values (pure): what to send for discovery, registration,
 * one management call and an admin renewal. The sender (http.ts `send`) sends them; the processors
 * (process-*.ts) read the answers.
 */
import type { HttpCall } from "./http";
import { renewalUrl } from "./renewal-url";
import { assertSafeUrl } from "./safe-url";
import type { ClientHandle, ClientMetadata, ManageOptions } from "./types";

/** GET `{issuer}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4); `issuer` without trailing slash. */
export function discoveryRequest(issuer: string): HttpCall {
  return { method: "GET", url: new URL(`${issuer}/.well-known/openid-configuration`), retry: "idempotent" };
}

/**
 * POST `metadata` to the registration endpoint (RFC 7591 §3.1), with the Initial Access Token as
 * bearer when there is one. Not idempotent; `advice` says how to find out what an uncertain POST did.
 */
export function registerRequest(
  url: URL,
  metadata: ClientMetadata,
  initialAccessToken: string | undefined,
  advice: string,
): HttpCall {
  const call: HttpCall = { method: "POST", url, json: metadata, retry: "unsafe", advice };
  if (initialAccessToken !== undefined) call.bearer = initialAccessToken;
  return call;
}

/**
 * One RFC 7592 call to `registration_client_uri` (exactly as the IdP gave it, query included) with
 * the current registration access token.
 * @throws DcrError ERR_CONFIG when the URI does not pass the URL gate (nothing sent).
 */
export function manageRequest(
  handle: ClientHandle,
  method: "GET" | "PUT" | "PATCH" | "DELETE",
  opts: ManageOptions,
  json?: ClientMetadata,
): HttpCall {
  const call: HttpCall = {
    method,
    url: assertSafeUrl(handle.registrationClientUri, "registrationClientUri", opts.allowInsecureHttp),
    bearer: handle.registrationAccessToken,
    retry: "idempotent",
    secrets: [handle.clientSecret, opts.adminToken],
  };
  if (json !== undefined) call.json = json;
  return call;
}

/**
 * POST to the admin API's renewal endpoint with the admin token. Retried like an idempotent
 * request: a lost answer only costs one token.
 */
export function renewalRequest(handle: ClientHandle, opts: ManageOptions & { adminToken: string }): HttpCall {
  return {
    method: "POST",
    url: renewalUrl(handle, opts),
    bearer: opts.adminToken,
    retry: "idempotent",
    secrets: [handle.registrationAccessToken, handle.clientSecret],
  };
}
