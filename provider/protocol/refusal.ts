/**
 * Telling a refused token from other client errors. RFC 6750 §3.1 says 401 `invalid_token`, but
 * real servers also answer 403, or 400 with `{"error":"access_denied"}` / `{"error":"invalid_token"}`.
 * Pure.
 */
import { DcrError } from "../errors";
import { oauthError } from "./answer";
import type { HttpAnswer } from "./http";

/**
 * `error` codes that refuse the bearer token itself, whatever the status. `invalid_client` is not
 * one: with 400 it is about the client's metadata or authentication, and a 401 counts anyway.
 */
export const TOKEN_REFUSED_ERRORS: readonly string[] = ["invalid_token", "access_denied"];

/** True when `answer` refuses the bearer token: 401, 403, or 400 with a {@link TOKEN_REFUSED_ERRORS} code. */
export function tokenRefused(answer: HttpAnswer): boolean {
  if (answer.status === 401 || answer.status === 403) return true;
  if (answer.status !== 400) return false;
  const { error } = oauthError(answer);
  return error !== undefined && TOKEN_REFUSED_ERRORS.includes(error);
}

/** A refused token on a management request, before the renewal policy decides what it means. */
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
