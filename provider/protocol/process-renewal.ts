/**
 * Reading the admin API's answer to a registration access token renewal (pure). Admin APIs answer
 * in their own dialect: the seed IdP in RFC 7591 snake_case, Keycloak with its
 * ClientRepresentation in camelCase (clientId, registrationAccessToken).
 */
import { DcrError } from "../errors";
import { printable } from "../text";
import { describe, idpError, jsonObject } from "./answer";
import type { HttpAnswer, HttpCall } from "./http";
import { displayUrl } from "./redact";
import { tokenRefused } from "./refusal";
import type { ClientHandle } from "./types";

/** What a renewal answer is read against. */
export interface RenewalContext {
  handle: ClientHandle;
  /** "renewing the registration access token of client x". */
  doing: string;
}

/**
 * The new registration access token in a renewal answer (200/201).
 * @throws DcrError ERR_CLIENT_GONE on 404/410; ERR_RAT_INVALID when the admin token is refused
 *   (401, 403, or 400 invalid_token / access_denied); ERR_IDP_RESPONSE for a malformed answer, one
 *   about another client or without a token; see {@link idpError} for other statuses.
 */
export function processRenewal(answer: HttpAnswer, call: HttpCall, ctx: RenewalContext): string {
  const { doing } = ctx;
  const where = displayUrl(call.url);
  if (answer.status === 404 || answer.status === 410) {
    throw new DcrError(
      "ERR_CLIENT_GONE",
      `${doing}: the IdP's admin API (${where}) answered ${answer.status}: the client no longer exists at the IdP`,
      { status: answer.status },
    );
  }
  if (tokenRefused(answer)) {
    throw new DcrError(
      "ERR_RAT_INVALID",
      `${doing}: the IdP refused the admin token (${describe(answer, call)} at ${where}); check "adminToken" / dcr:adminToken, or have an IdP admin issue a fresh registration access token, remove the resource from state (\`pulumi state delete <urn>\`) and run \`pulumi up\` with it in the \`adopt\` input`,
      { status: answer.status },
    );
  }
  if (answer.status !== 200 && answer.status !== 201) throw idpError(answer, call, doing);
  const body = jsonObject(answer, call);
  const clientId = body.client_id ?? body.clientId;
  if (clientId !== undefined && clientId !== ctx.handle.clientId) {
    throw new DcrError(
      "ERR_IDP_RESPONSE",
      `${doing}: the admin API answered about client_id "${printable(String(clientId))}"; the token was not used`,
    );
  }
  const token = body.registration_access_token ?? body.registrationAccessToken;
  if (typeof token !== "string" || token === "") {
    throw new DcrError("ERR_IDP_RESPONSE", `${doing}: the admin API's answer has no registration_access_token`);
  }
  return token;
}
