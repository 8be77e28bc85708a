/**
 * Dynamic Client Registration (RFC 7591) and Registration Management (RFC 7592): register,
 * read, update (PUT read-modify-write or PATCH) and delete one client. Sequencing only: each
 * step builds its request (requests.ts), sends it (http.ts) and reads the answer with a pure
 * processor (process-*.ts); renewal of a refused token and the confirming GET after a 404 are
 * decided here. Every answer that carries a new registration access token updates the caller's
 * handle before anything else.
 */
import { DcrError, isDcrError } from "../errors";
import { send } from "./http";
import {
  clientGone,
  processConfirmation,
  processManage,
  processRecord,
  unsupported,
  type ManageContext,
  type ManageMethod,
} from "./process-manage";
import { adoptionAdvice, processRegister } from "./process-register";
import { redactSecrets } from "./redact";
import { withRenewal } from "./renewal";
import { manageRequest, registerRequest } from "./requests";
import { assertPublicJwks, subject } from "./response";
import { assertSafeUrl } from "./safe-url";
import { patchBody, putBody, rivalKey } from "./update-body";
import type {
  ClientHandle,
  ClientMetadata,
  ClientRecord,
  ManageOptions,
  RenewalOptions,
  RequestOptions,
  UpdateOptions,
} from "./types";

export { discoverRegistrationEndpoint } from "./discovery";
export { renewRat } from "./renewal";
export { assertSafeUrl } from "./safe-url";

/** What to do when a new client is to be registered and no Initial Access Token was given. */
export const IAT_MISSING =
  "an Initial Access Token is needed to register a new client: have an IdP admin mint one " +
  "(in the IdP's admin console or admin API), then `pulumi config set --secret dcr:initialAccessToken <token>` " +
  "and run again; or take over an existing client with `adopt`, or set openRegistration if the IdP allows it";

/**
 * Registers a client (RFC 7591 §3.1): POST `metadata` with `Authorization: Bearer <IAT>`.
 * Not idempotent: retried only when the connection was refused; any failure after the request
 * may have reached the IdP is ERR_OUTCOME_UNKNOWN, saying how to find and adopt the client.
 * @throws DcrError ERR_CONFIG (unsafe endpoint, private key in jwks) or ERR_IAT_MISSING before any
 *   request; see {@link processRegister} for what the answer can mean.
 */
export async function register(
  endpoint: string,
  metadata: ClientMetadata,
  initialAccessToken: string | undefined,
  opts: RequestOptions & RenewalOptions & { openRegistration?: boolean } = {},
): Promise<ClientRecord> {
  const url = assertSafeUrl(endpoint, "registrationEndpoint", opts.allowInsecureHttp);
  const iat = initialAccessToken === "" ? undefined : initialAccessToken;
  if (iat === undefined && opts.openRegistration !== true) {
    throw new DcrError("ERR_IAT_MISSING", IAT_MISSING);
  }
  assertPublicJwks(metadata.jwks, "the registration metadata", "ERR_CONFIG");
  const advice = adoptionAdvice(metadata, opts);
  const call = registerRequest(url, metadata, iat, `To find out, ${advice}`);
  const ctx = { doing: "registering the client", advice };
  return scrubbed(
    () => [iat],
    async () => processRegister(await send(call, opts), call, ctx),
  );
}

/**
 * Reads the client (RFC 7592 §2.1): GET `registration_client_uri` with the RAT. A new RAT or
 * client secret in the answer is stored in `handle`. On a refused token: renew once with
 * `adminToken`, else ERR_RAT_INVALID. @throws DcrError ERR_CLIENT_GONE on 404/410.
 */
export async function readClient(handle: ClientHandle, opts: ManageOptions = {}): Promise<ClientRecord> {
  assertSafeUrl(handle.registrationClientUri, "registrationClientUri", opts.allowInsecureHttp);
  const doing = subject("reading", handle);
  return scrubbed(secretsOf(handle, opts), () => withRenewal(handle, opts, doing, () => fetchRecord(handle, opts)));
}

/**
 * Updates the fields we own (RFC 7592 §2.2). PUT: GET the record, lay `owned` over it and PUT
 * the whole record (2 requests; settings we do not own survive). PATCH: send `owned` only
 * (1 request). jwks and jwks_uri are never left together (see {@link putBody}, {@link patchBody}).
 * The handle is updated from every answer, the GET included.
 * @throws DcrError ERR_IDP_UNSUPPORTED when the IdP lacks the method (405, or 404 while a GET
 *   returns the client); ERR_CLIENT_GONE when a 404 is confirmed; see {@link readClient} for the rest.
 */
export async function updateClient(
  handle: ClientHandle,
  owned: ClientMetadata,
  method: "PUT" | "PATCH",
  opts: ManageOptions & UpdateOptions = {},
): Promise<ClientRecord> {
  if (method !== "PUT" && method !== "PATCH")
    throw new DcrError("ERR_CONFIG", `"updateMethod" must be "PUT" or "PATCH" (got ${String(method)})`);
  assertSafeUrl(handle.registrationClientUri, "registrationClientUri", opts.allowInsecureHttp);
  assertPublicJwks(owned.jwks, "the metadata to publish", "ERR_CONFIG");
  const doing = subject("updating", handle);
  const update =
    method === "PUT" ? () => putUpdate(handle, owned, opts, doing) : () => patchUpdate(handle, owned, opts, doing);
  return scrubbed(secretsOf(handle, opts), () => withRenewal(handle, opts, doing, update));
}

async function putUpdate(
  handle: ClientHandle,
  owned: ClientMetadata,
  opts: ManageOptions,
  doing: string,
): Promise<ClientRecord> {
  const current = await fetchRecord(handle, opts);
  return write(handle, opts, "PUT", doing, putBody(handle.clientId, current.metadata, owned));
}

async function patchUpdate(
  handle: ClientHandle,
  owned: ClientMetadata,
  opts: ManageOptions & UpdateOptions,
  doing: string,
): Promise<ClientRecord> {
  const body = patchBody(owned, opts.current);
  try {
    return await write(handle, opts, "PATCH", doing, body);
  } catch (e) {
    // Refused maybe because the record still holds the other key member (jwks ↔ jwks_uri): look, and remove it if so.
    const rival = rivalKey(owned);
    if (!(isDcrError(e, "ERR_IDP_REJECTED") && e.status === 400 && rival !== undefined && !(rival in body))) throw e;
    const held = (await fetchRecord(handle, opts)).metadata;
    if (held[rival] === undefined || held[rival] === null) throw e;
    opts.log?.(`${doing}: PATCH refused while the IdP's record holds ${rival}; sending ${rival}: null with it`);
    return write(handle, opts, "PATCH", doing, patchBody(owned, held));
  }
}

/** One PUT or PATCH and the record it answers; a 404 is gone only when a GET confirms it. */
async function write(
  handle: ClientHandle,
  opts: ManageOptions,
  method: "PUT" | "PATCH",
  doing: string,
  body: ClientMetadata,
): Promise<ClientRecord> {
  const ctx: ManageContext = { handle, doing };
  const call = manageRequest(handle, method, opts, body);
  const outcome = processManage(await send(call, opts), call, ctx);
  if (outcome.kind === "done") return processRecord(outcome.answer, call, ctx);
  await confirmGone(handle, opts, method, outcome.status, doing);
  throw clientGone(method, outcome.status, doing, true);
}

/**
 * Deletes the client (RFC 7592 §2.3). 2xx → "deleted"; 410, or 404 confirmed by a GET with the
 * same token (404/410 or a refused token), or the admin API saying the client is unknown → "gone".
 * @throws DcrError ERR_IDP_UNSUPPORTED on 405, or on 404 while a GET returns the client (the IdP
 *   implements read but not delete); see {@link readClient} for the rest.
 */
export async function deleteClient(handle: ClientHandle, opts: ManageOptions = {}): Promise<"deleted" | "gone"> {
  assertSafeUrl(handle.registrationClientUri, "registrationClientUri", opts.allowInsecureHttp);
  const doing = subject("deleting", handle);
  return scrubbed(secretsOf(handle, opts), async () => {
    try {
      return await withRenewal(handle, opts, doing, async () => {
        const call = manageRequest(handle, "DELETE", opts);
        const outcome = processManage(await send(call, opts), call, { handle, doing });
        if (outcome.kind === "done") return "deleted" as const;
        await confirmGone(handle, opts, "DELETE", outcome.status, doing);
        return "gone" as const;
      });
    } catch (e) {
      if (isDcrError(e, "ERR_CLIENT_GONE")) return "gone";
      throw e;
    }
  });
}

/**
 * After `status` (404) to `method`: one GET with the same token. Returns when it confirms the
 * client is gone. @throws DcrError ERR_IDP_UNSUPPORTED when the GET returns the client.
 */
async function confirmGone(
  handle: ClientHandle,
  opts: ManageOptions,
  method: ManageMethod,
  status: number,
  doing: string,
): Promise<void> {
  const call = manageRequest(handle, "GET", opts);
  const seen = processConfirmation(await send(call, opts), call, { handle, doing });
  if (seen === "exists") throw unsupported(method, status, doing, true);
}

/** GET the client's record, taking what it carries into `handle`. */
async function fetchRecord(handle: ClientHandle, opts: ManageOptions): Promise<ClientRecord> {
  const ctx: ManageContext = { handle, doing: subject("reading", handle) };
  const call = manageRequest(handle, "GET", opts);
  const outcome = processManage(await send(call, opts), call, ctx);
  if (outcome.kind === "unconfirmed") throw clientGone("GET", outcome.status, ctx.doing, false);
  return processRecord(outcome.answer, call, ctx);
}

/** The secrets of one management operation, read when an error is scrubbed (a rotated RAT included). */
function secretsOf(handle: ClientHandle, opts: ManageOptions): () => (string | undefined)[] {
  const initial = handle.registrationAccessToken;
  return () => [initial, handle.registrationAccessToken, handle.clientSecret, opts.adminToken];
}

/** Runs `operation`; a DcrError it throws has every secret scrubbed from its message and stack. */
async function scrubbed<T>(secrets: () => (string | undefined)[], operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (e) {
    if (e instanceof DcrError) {
      // A registered client's handle travels with the error (non-enumerable); its tokens are secrets too.
      const known = [...secrets(), e.handle?.registrationAccessToken, e.handle?.clientSecret];
      e.message = redactSecrets(e.message, known);
      if (e.stack !== undefined) e.stack = redactSecrets(e.stack, known);
    }
    throw e;
  }
}
