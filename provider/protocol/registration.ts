/**
 * Dynamic Client Registration (RFC 7591) and Registration Management (RFC 7592): register,
 * read, update (PUT read-modify-write or PATCH) and delete one client. Every response that
 * carries a new registration access token updates the caller's handle before anything else.
 */
import { DcrError, detailOf, isDcrError } from "../errors";
import { describe, idpError, jsonObject, oauthError, send, type HttpAnswer, type HttpCall } from "./http";
import { redactSecrets } from "./redact";
import { ADMIN_WORDS, RatRefused, renewalConfigured, withRenewal } from "./renewal";
import { absorb, assertPublicJwks, parseClientInfo, recordOf, subject } from "./response";
import { assertSafeUrl, idpUrl } from "./safe-url";
import { patchBody, putBody, rivalKey } from "./update-body";
import {
  DEFAULT_RAT_RENEWAL_PATH,
  type ClientHandle,
  type ClientMetadata,
  type ClientRecord,
  type RenewalOptions,
  type RequestOptions,
  type UpdateOptions,
} from "./types";

export { discoverRegistrationEndpoint } from "./discovery";
export { renewRat } from "./renewal";
export { assertSafeUrl } from "./safe-url";

type ManageOptions = RequestOptions & RenewalOptions;

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
 *   request; ERR_IAT_INVALID on 401/403; ERR_IDP_REJECTED on another 4xx; ERR_OUTCOME_UNKNOWN;
 *   ERR_IDP_RESPONSE when the client was registered but the answer does not allow managing it.
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
  const call: HttpCall = { method: "POST", url, json: metadata, retry: "unsafe", advice: `To find out, ${advice}` };
  if (iat !== undefined) call.bearer = iat;
  const doing = "registering the client";
  return scrubbed(
    () => [iat],
    async () => {
      const answer = await send(call, opts);
      if (answer.status === 401 || answer.status === 403) {
        throw new DcrError(
          "ERR_IAT_INVALID",
          `${doing}: the IdP refused the Initial Access Token (${answer.status}); it may be wrong, expired or used up. ` +
            "Have an IdP admin mint a fresh one (in the IdP's admin console or admin API) and `pulumi config set --secret dcr:initialAccessToken <token>`",
          { status: answer.status },
        );
      }
      if (answer.status >= 400 && answer.status < 500) {
        // A 4xx means nothing was registered; only a conflict (409: the client_id is taken, e.g. by an
        // earlier attempt whose answer was lost) calls for adoption.
        throw idpError(
          answer,
          call,
          doing,
          answer.status === 409
            ? `If a client from an earlier attempt already exists, ${advice}`
            : "Nothing was registered; fix the metadata the IdP named and run again",
        );
      }
      if (answer.status !== 201 && answer.status !== 200) {
        throw new DcrError(
          "ERR_OUTCOME_UNKNOWN",
          `${doing}: the IdP answered ${answer.status} instead of 201; the client may have been registered. ${call.advice ?? ""}`,
          { status: answer.status },
        );
      }
      return registered(answer, call, doing);
    },
  );
}

/** The record of a 201 answer; failures say the client exists and how to take it over. */
function registered(answer: HttpAnswer, call: HttpCall, doing: string): ClientRecord {
  let body: Record<string, unknown>;
  try {
    body = jsonObject(answer, call);
  } catch (e) {
    throw new DcrError(
      "ERR_OUTCOME_UNKNOWN",
      `${detailOf(e)}; the client was probably registered. ${call.advice ?? ""}`,
      { cause: e, status: answer.status },
    );
  }
  const clientId = body.client_id;
  if (typeof clientId !== "string" || clientId === "") {
    throw new DcrError(
      "ERR_OUTCOME_UNKNOWN",
      `${doing}: the IdP answered ${answer.status} without a client_id; the client was probably registered. ${call.advice ?? ""}`,
      { status: answer.status },
    );
  }
  const unmanageable = (reason: string, cause?: unknown): DcrError =>
    new DcrError(
      "ERR_IDP_RESPONSE",
      `${doing}: the IdP registered client ${clientId} but ${reason}, so it cannot be managed (RFC 7592). ` +
        `Have an IdP admin issue a registration access token for ${clientId} and pass it via the \`adopt\` input, or delete the client in the IdP admin`,
      cause === undefined ? { status: answer.status } : { cause, status: answer.status },
    );
  if (typeof body.registration_access_token !== "string" || body.registration_access_token === "") {
    throw unmanageable("its answer has no registration_access_token");
  }
  if (typeof body.registration_client_uri !== "string" || body.registration_client_uri === "") {
    throw unmanageable("its answer has no registration_client_uri");
  }
  try {
    const info = parseClientInfo(body, doing);
    const uri = idpUrl(info.registration_client_uri, "registration_client_uri", call.url.origin);
    const handle: ClientHandle = {
      clientId,
      registrationClientUri: uri.href,
      registrationAccessToken: body.registration_access_token,
    };
    if (info.client_secret !== undefined) handle.clientSecret = info.client_secret;
    return recordOf(handle, info, doing);
  } catch (e) {
    throw unmanageable(`its answer was refused: ${detailOf(e)}`, e);
  }
}

/**
 * How to find and adopt a client that may exist after an uncertain registration; names the
 * configured admin endpoint for tokens, else says it in words that hold for any IdP.
 */
function adoptionAdvice(metadata: ClientMetadata, renewal: RenewalOptions): string {
  const names = [
    typeof metadata.client_id === "string" ? `client_id "${metadata.client_id}"` : undefined,
    typeof metadata.client_name === "string" ? `client_name "${metadata.client_name}"` : undefined,
  ].filter((s) => s !== undefined);
  const by = names.length > 0 ? ` by ${names.join(" or ")}` : "";
  return (
    `look the client up in the IdP admin${by}; if it exists, have an admin issue a registration access token for it ` +
    `(${renewalConfigured(renewal) ? `POST ${renewal.ratRenewalPath ?? DEFAULT_RAT_RENEWAL_PATH} with an admin token` : ADMIN_WORDS}) ` +
    "and pass clientId and registrationAccessToken via the `adopt` input " +
    "instead of registering again"
  );
}

/**
 * Reads the client (RFC 7592 §2.1): GET `registration_client_uri` with the RAT. A new RAT or
 * client secret in the answer is stored in `handle`. On 401/403: renew once with `adminToken`,
 * else ERR_RAT_INVALID. @throws DcrError ERR_CLIENT_GONE on 404/410.
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
 * @throws DcrError ERR_IDP_UNSUPPORTED when the IdP lacks the method; see {@link readClient} for the rest.
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
  return recordFrom(
    await manage(handle, opts, "PUT", doing, putBody(handle.clientId, current.metadata, owned)),
    handle,
    doing,
  );
}

async function patchUpdate(
  handle: ClientHandle,
  owned: ClientMetadata,
  opts: ManageOptions & UpdateOptions,
  doing: string,
): Promise<ClientRecord> {
  const body = patchBody(owned, opts.current);
  try {
    return recordFrom(await manage(handle, opts, "PATCH", doing, body), handle, doing);
  } catch (e) {
    if (isDcrError(e, "ERR_CLIENT_GONE") && e.status === 404) {
      // oidc-provider has no PATCH route and answers 404: tell "no such client" from "no such method".
      await fetchRecord(handle, opts);
      throw new DcrError(
        "ERR_IDP_UNSUPPORTED",
        `${doing}: the IdP answered 404 to PATCH although the client exists, so it does not support PATCH; set "updateMethod" to "PUT"`,
        { cause: e, status: 404 },
      );
    }
    // Refused maybe because the record still holds the other key member (jwks ↔ jwks_uri): look, and remove it if so.
    const rival = rivalKey(owned);
    if (!(isDcrError(e, "ERR_IDP_REJECTED") && e.status === 400 && rival !== undefined && !(rival in body))) throw e;
    const held = (await fetchRecord(handle, opts)).metadata;
    if (held[rival] === undefined || held[rival] === null) throw e;
    opts.log?.(`${doing}: PATCH refused while the IdP's record holds ${rival}; sending ${rival}: null with it`);
    return recordFrom(await manage(handle, opts, "PATCH", doing, patchBody(owned, held)), handle, doing);
  }
}

/**
 * Deletes the client (RFC 7592 §2.3). 204/200 → "deleted"; 404/410 (or the admin API saying the
 * client is unknown) → "gone". @throws DcrError ERR_IDP_UNSUPPORTED on 405; see {@link readClient}.
 */
export async function deleteClient(handle: ClientHandle, opts: ManageOptions = {}): Promise<"deleted" | "gone"> {
  assertSafeUrl(handle.registrationClientUri, "registrationClientUri", opts.allowInsecureHttp);
  const doing = subject("deleting", handle);
  return scrubbed(secretsOf(handle, opts), async () => {
    try {
      await withRenewal(handle, opts, doing, () => manage(handle, opts, "DELETE", doing));
      return "deleted";
    } catch (e) {
      if (isDcrError(e, "ERR_CLIENT_GONE")) return "gone";
      throw e;
    }
  });
}

/** GET the client's record, taking what it carries into `handle`. */
async function fetchRecord(handle: ClientHandle, opts: ManageOptions): Promise<ClientRecord> {
  const doing = subject("reading", handle);
  return recordFrom(await manage(handle, opts, "GET", doing), handle, doing);
}

/** One management request with the current RAT; returns 2xx answers, maps the rest. */
async function manage(
  handle: ClientHandle,
  opts: ManageOptions,
  method: HttpCall["method"],
  doing: string,
  json?: ClientMetadata,
): Promise<{ answer: HttpAnswer; call: HttpCall }> {
  const call: HttpCall = {
    method,
    url: assertSafeUrl(handle.registrationClientUri, "registrationClientUri", opts.allowInsecureHttp),
    bearer: handle.registrationAccessToken,
    retry: "idempotent",
    secrets: [handle.clientSecret, opts.adminToken],
  };
  if (json !== undefined) call.json = json;
  const answer = await send(call, opts);
  const { status } = answer;
  if (status >= 200 && status < 300) return { answer, call };
  if (status === 401 || status === 403) {
    throw new RatRefused(
      describe(answer, call),
      status,
      oauthError(answer).error,
      answer.earlierAttemptLost === undefined ? undefined : { method, lost: answer.earlierAttemptLost },
    );
  }
  if (status === 404 || status === 410) {
    throw new DcrError(
      "ERR_CLIENT_GONE",
      `${doing}: the IdP answered ${status} to ${method}: the client no longer exists at the IdP`,
      { status },
    );
  }
  if (status === 405) {
    const hint =
      method === "PUT" ? `; set "updateMethod" to "PATCH"` : method === "PATCH" ? `; set "updateMethod" to "PUT"` : "";
    throw new DcrError(
      "ERR_IDP_UNSUPPORTED",
      `${doing}: IdP does not support ${method === "DELETE" ? "delete" : method} (405)${hint}`,
      { status },
    );
  }
  throw idpError(answer, call, doing);
}

/** The record a JSON answer describes, after taking its tokens into `handle`. */
function recordFrom(sent: { answer: HttpAnswer; call: HttpCall }, handle: ClientHandle, doing: string): ClientRecord {
  const body = jsonObject(sent.answer, sent.call);
  absorb(handle, body, doing);
  return recordOf(handle, parseClientInfo(body, doing), doing);
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
      const known = secrets();
      e.message = redactSecrets(e.message, known);
      if (e.stack !== undefined) e.stack = redactSecrets(e.stack, known);
    }
    throw e;
  }
}
