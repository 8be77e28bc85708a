/**
 * Reading the answers to RFC 7592 management calls (pure): what a status means for GET, PUT,
 * PATCH and DELETE, the client record a 2xx carries, and the confirming GET after a 404 — some
 * IdPs implement read but not update or delete, and answer 404 to those while the client exists.
 */
import { DcrError } from "../errors";
import { describe, idpError, jsonObject, oauthError, readJson } from "./answer";
import type { HttpAnswer, HttpCall } from "./http";
import { RatRefused, tokenRefused } from "./refusal";
import { absorb, parseClientInfo, recordOf } from "./response";
import type { ClientHandle, ClientRecord } from "./types";

/** What a management answer is read against. */
export interface ManageContext {
  /** The handle the call was made with; a 2xx answer's rotated token is taken into it. */
  handle: ClientHandle;
  /** "updating client x at https://idp/reg/x". */
  doing: string;
}

/**
 * A management answer that did not fail outright: `done` (2xx), or `unconfirmed` — a 404 to PUT,
 * PATCH or DELETE, which means "gone" only if a GET with the same token confirms it
 * ({@link processConfirmation}).
 */
export type ManageOutcome = { kind: "done"; answer: HttpAnswer } | { kind: "unconfirmed"; status: number };

/** The methods {@link processManage} reads answers for. */
export type ManageMethod = "GET" | "PUT" | "PATCH" | "DELETE";

/**
 * What the answer to one management call means.
 * @throws RatRefused (ERR_RAT_INVALID, before the renewal policy) when the token is refused
 *   (401, 403, 400 invalid_token / access_denied); ERR_CLIENT_GONE on 410, and on 404 to GET;
 *   ERR_IDP_UNSUPPORTED on 405; see {@link idpError} for the rest (400 → ERR_IDP_REJECTED, …).
 */
export function processManage(answer: HttpAnswer, call: HttpCall, ctx: ManageContext): ManageOutcome {
  const { status } = answer;
  const method = call.method as ManageMethod;
  if (status >= 200 && status < 300) return { kind: "done", answer };
  if (tokenRefused(answer)) {
    const { error } = oauthError(answer);
    const earlier = answer.earlierAttemptLost === undefined ? undefined : { method, lost: answer.earlierAttemptLost };
    throw new RatRefused(describe(answer, call), status, error, earlier);
  }
  if (status === 404 && method !== "GET") return { kind: "unconfirmed", status };
  if (status === 404 || status === 410) throw clientGone(method, status, ctx.doing, false);
  if (status === 405) throw unsupported(method, status, ctx.doing, false);
  throw idpError(answer, call, ctx.doing);
}

/**
 * The record a 2xx answer describes, after its rotated token, secret and URI are taken into
 * `ctx.handle` (before anything else is validated).
 * @throws DcrError ERR_IDP_RESPONSE for a body that is not a bounded JSON object, another client, a
 *   foreign URI, a malformed record or private key material.
 */
export function processRecord(answer: HttpAnswer, call: HttpCall, ctx: ManageContext): ClientRecord {
  const body = jsonObject(answer, call);
  absorb(ctx.handle, body, ctx.doing);
  return recordOf(ctx.handle, parseClientInfo(body, ctx.doing), ctx.doing);
}

/**
 * What the confirming GET (after a 404 to PUT, PATCH or DELETE) says: `gone` on 404/410 or a
 * refused token (RFC 7592 IdPs may answer 401 for a client that no longer exists); `exists` on
 * 2xx, after taking a rotated token from a readable answer into the handle.
 * @throws DcrError for any other answer (see {@link idpError}).
 */
export function processConfirmation(answer: HttpAnswer, call: HttpCall, ctx: ManageContext): "gone" | "exists" {
  const { status } = answer;
  if (status === 404 || status === 410 || tokenRefused(answer)) return "gone";
  if (status < 200 || status >= 300) throw idpError(answer, call, ctx.doing);
  const reading = readJson(answer, call);
  if (!("problem" in reading)) absorb(ctx.handle, reading.value, ctx.doing);
  return "exists";
}

/**
 * ERR_CLIENT_GONE: `status` to `method` means the client no longer exists; `confirmed` when a GET
 * with the same token said so after a 404 to PUT, PATCH or DELETE.
 */
export function clientGone(method: ManageMethod, status: number, doing: string, confirmed: boolean): DcrError {
  const how = confirmed ? " and a GET with the same token confirms it" : "";
  return new DcrError(
    "ERR_CLIENT_GONE",
    `${doing}: the IdP answered ${status} to ${method}${how}: the client no longer exists at the IdP`,
    { status },
  );
}

/** What to do when the IdP lacks a management method. */
const UNSUPPORTED_ADVICE: Readonly<Record<Exclude<ManageMethod, "GET">, string>> = {
  DELETE: "delete the client in the IdP admin, then `pulumi state delete <urn>`",
  PUT: 'set "updateMethod" to "PATCH" if the IdP supports it, or rotate through `jwksUri` mode (the app serves the jwks output; no update is needed)',
  PATCH:
    'set "updateMethod" to "PUT", or rotate through `jwksUri` mode (the app serves the jwks output; no update is needed)',
};

/**
 * ERR_IDP_UNSUPPORTED for a method the IdP does not implement: `status` (404 or 405) to `method`;
 * `confirmed` when a GET with the same token returned the client.
 */
export function unsupported(method: ManageMethod, status: number, doing: string, confirmed: boolean): DcrError {
  const what = method === "DELETE" ? "delete" : method === "GET" ? "read" : method;
  const why = confirmed
    ? `the IdP answered ${status} to ${method} although a GET with the same token returns the client`
    : `the IdP answered ${status} to ${method}`;
  const advice = method === "GET" ? "" : `: ${UNSUPPORTED_ADVICE[method]}`;
  return new DcrError(
    "ERR_IDP_UNSUPPORTED",
    `${doing}: ${why}, so the IdP does not support ${what} (RFC 7592)${advice}`,
    { status },
  );
}
