/**
 * Reading the answer to a registration (RFC 7591 §3.2) (pure): a refused Initial Access Token, a
 * rejected registration, an outcome that cannot be known, and the record of a registered client —
 * which says, when the client exists but cannot be managed, how to take it over.
 */
import { DcrError, detailOf } from "../errors";
import { printable } from "../text";
import { describe, idpError, readJson } from "./answer";
import type { HttpAnswer, HttpCall } from "./http";
import { displayUrl } from "./redact";
import { tokenRefused } from "./refusal";
import { ADMIN_WORDS, renewalConfigured } from "./renewal-url";
import { parseClientInfo, recordOf } from "./response";
import { idpUrl } from "./safe-url";
import {
  DEFAULT_RAT_RENEWAL_PATH,
  type ClientHandle,
  type ClientMetadata,
  type ClientRecord,
  type RenewalOptions,
} from "./types";

/** What a registration answer is read against. */
export interface RegisterContext {
  /** "registering the client". */
  doing: string;
  /** How to find and adopt a client that may exist ({@link adoptionAdvice}). */
  advice: string;
}

/**
 * How to find and adopt a client that may exist after an uncertain registration; names the
 * configured admin endpoint for tokens, else says it in words that hold for any IdP.
 */
export function adoptionAdvice(metadata: ClientMetadata, renewal: RenewalOptions): string {
  const names = [
    typeof metadata.client_id === "string" ? `client_id "${printable(metadata.client_id)}"` : undefined,
    typeof metadata.client_name === "string" ? `client_name "${printable(metadata.client_name)}"` : undefined,
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
 * The record of the client a registration answer describes.
 * @throws DcrError ERR_IAT_INVALID when the Initial Access Token is refused (401, 403, 400
 *   invalid_token / access_denied); ERR_IDP_REJECTED on another 4xx (nothing registered; 409 with
 *   the adoption advice); ERR_OUTCOME_UNKNOWN for any other status or an unreadable 2xx;
 *   ERR_IDP_RESPONSE when the client was registered but cannot be managed — carrying its
 *   {@link DcrError.handle} when the answer still names it, so it is kept in state.
 */
export function processRegister(answer: HttpAnswer, call: HttpCall, ctx: RegisterContext): ClientRecord {
  const { status } = answer;
  const { doing, advice } = ctx;
  if (tokenRefused(answer)) {
    throw new DcrError(
      "ERR_IAT_INVALID",
      `${doing}: the IdP refused the Initial Access Token (${describe(answer, call)}); it may be wrong, expired or used up. ` +
        "Have an IdP admin mint a fresh one (in the IdP's admin console or admin API) and `pulumi config set --secret dcr:initialAccessToken <token>`",
      { status },
    );
  }
  if (status >= 400 && status < 500 && status !== 429) {
    // Nothing was registered; only a conflict (409: the client_id is taken, e.g. by an earlier
    // attempt whose answer was lost) calls for adoption.
    const next =
      status === 409
        ? `If a client from an earlier attempt already exists, ${advice}`
        : status === 404 || status === 405
          ? 'Nothing was registered; check "registrationEndpoint" (or "issuer")'
          : "Nothing was registered; fix the metadata the IdP named and run again";
    throw idpError(answer, call, doing, next);
  }
  if (status !== 201 && status !== 200) {
    throw new DcrError(
      "ERR_OUTCOME_UNKNOWN",
      `${doing}: the IdP answered ${status} instead of 201; the client may have been registered. To find out, ${advice}`,
      { status },
    );
  }
  return registered(answer, call, ctx);
}

/** The record of a 200/201 answer; failures say the client exists and how to take it over. */
function registered(answer: HttpAnswer, call: HttpCall, ctx: RegisterContext): ClientRecord {
  const { doing, advice } = ctx;
  const { status } = answer;
  const reading = readJson(answer, call);
  if ("problem" in reading) {
    const handle = handleOf(reading.value, call);
    const where = `${call.method} ${displayUrl(call.url)}`;
    if (handle !== undefined) throw keptInState(`${doing}: ${where} ${reading.problem}`, handle, status);
    throw new DcrError(
      "ERR_OUTCOME_UNKNOWN",
      `${doing}: ${where} ${reading.problem}; the client was probably registered. To find out, ${advice}`,
      { status },
    );
  }
  const body = reading.value;
  const clientId = body.client_id;
  if (typeof clientId !== "string" || clientId === "") {
    throw new DcrError(
      "ERR_OUTCOME_UNKNOWN",
      `${doing}: the IdP answered ${status} without a client_id; the client was probably registered. To find out, ${advice}`,
      { status },
    );
  }
  const shown = printable(clientId);
  const unmanageable = (reason: string, cause?: unknown): DcrError =>
    new DcrError(
      "ERR_IDP_RESPONSE",
      `${doing}: the IdP registered client ${shown} but ${reason}, so it cannot be managed (RFC 7592). ` +
        `Have an IdP admin issue a registration access token for ${shown} and pass it via the \`adopt\` input, or delete the client in the IdP admin`,
      cause === undefined ? { status } : { cause, status },
    );
  if (typeof body.registration_access_token !== "string" || body.registration_access_token === "") {
    throw unmanageable("its answer has no registration_access_token");
  }
  if (typeof body.registration_client_uri !== "string" || body.registration_client_uri === "") {
    throw unmanageable("its answer has no registration_client_uri");
  }
  let handle: ClientHandle;
  try {
    const uri = idpUrl(body.registration_client_uri, "registration_client_uri", call.url.origin);
    handle = { clientId, registrationClientUri: uri.href, registrationAccessToken: body.registration_access_token };
    if (typeof body.client_secret === "string") handle.clientSecret = body.client_secret;
  } catch (e) {
    // A URI the token must never be sent to: the client cannot be managed from here.
    throw unmanageable(`its answer was refused: ${detailOf(e)}`, e);
  }
  try {
    return recordOf(handle, parseClientInfo(body, doing), doing);
  } catch (e) {
    // The rest of the record is unusable, but the client and its token are known: keep them.
    throw keptInState(detailOf(e), handle, status, e);
  }
}

/**
 * ERR_IDP_RESPONSE for a registration whose answer names a usable handle although the rest of it
 * cannot be used: the error carries the handle, so the client and its token are kept in state.
 */
function keptInState(what: string, handle: ClientHandle, status: number, cause?: unknown): DcrError {
  return new DcrError(
    "ERR_IDP_RESPONSE",
    `${what}; the IdP registered client ${printable(handle.clientId)} and the client is kept in state ` +
      "with the registration access token its answer holds, so it is not orphaned. Reading it will fail the same way " +
      "while the IdP answers like this; `pulumi destroy` deletes it at the IdP",
    cause === undefined ? { status, handle } : { status, handle, cause },
  );
}

/**
 * The handle the top level of a parsed (if unusable) answer names: a client_id, a registration
 * access token and a registration_client_uri on the registration endpoint's origin; else undefined.
 */
function handleOf(value: unknown, call: HttpCall): ClientHandle | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const {
    client_id: id,
    registration_access_token: rat,
    registration_client_uri: uri,
  } = value as Record<string, unknown>;
  if (typeof id !== "string" || id === "" || typeof rat !== "string" || rat === "" || typeof uri !== "string")
    return undefined;
  try {
    const url = idpUrl(uri, "registration_client_uri", call.url.origin);
    return url.origin === call.url.origin
      ? { clientId: id, registrationClientUri: url.href, registrationAccessToken: rat }
      : undefined;
  } catch {
    return undefined;
  }
}
