/**
 * In-memory answers and calls for the processor tests: no server, no socket. An answer is what
 * `send` hands a processor; a call is what the request builders make.
 */
import * as assert from "node:assert/strict";
import { DcrError, type DcrErrorCode } from "../../provider/errors";
import type { HttpAnswer, HttpCall } from "../../provider/protocol/http";
import { manageRequest, registerRequest } from "../../provider/protocol/requests";
import type { ClientHandle } from "../../provider/protocol/types";

export const ORIGIN = "https://idp.example.com";
export const ENDPOINT = `${ORIGIN}/reg`;
export const URI = `${ORIGIN}/reg/c1`;
export const RAT = "rat-0123456789-secret";
export const NEW_RAT = "rat-9876543210-rotated";
export const IAT = "iat-0123456789-secret";
export const ADMIN = "admin-0123456789-secret";

/** A handle on {@link URI} with {@link RAT}. */
export function handle(): ClientHandle {
  return { clientId: "c1", registrationClientUri: URI, registrationAccessToken: RAT };
}

/**
 * An answer: `body` as JSON unless it is a string (sent as is), content type `application/json`
 * unless given ("" = none).
 */
export function answer(status: number, body?: unknown, contentType = "application/json"): HttpAnswer {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  return { status, contentType, text, headers: new Headers() };
}

/** The registration call for {@link ENDPOINT} with {@link IAT}, metadata `{ client_name: "bff" }`. */
export function registerCall(metadata: Record<string, unknown> = { client_name: "bff" }): HttpCall {
  return registerRequest(new URL(ENDPOINT), metadata, IAT, "To find out, look");
}

/** A management call with the handle's token (and `json` as its body). */
export function manageCall(method: "GET" | "PUT" | "PATCH" | "DELETE", json?: Record<string, unknown>): HttpCall {
  return manageRequest(handle(), method, { adminToken: ADMIN }, json);
}

/** A registered client's answer. */
export function clientBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: "c1",
    client_name: "bff",
    registration_access_token: RAT,
    registration_client_uri: URI,
    ...extra,
  };
}

/** `{"a":{"a":…}}` nested `depth` levels, as text. */
export function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** One row of a processor table: an answer and the exact error it must end in. */
export interface AnswerCase {
  name: string;
  answer: HttpAnswer;
  code: DcrErrorCode;
  message: string;
  status?: number;
  idpError?: string;
}

/**
 * Runs `fn`, which must throw a DcrError; checks its exact message (full string), code, status
 * and idpError, and that no secret of the fixtures is in it. Returns the error.
 */
export function throwsExactly(
  fn: () => unknown,
  expected: { code: DcrErrorCode; message: string; status?: number; idpError?: string },
): DcrError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DcrError, `expected a DcrError, got ${String(caught)}`);
  assert.equal(caught.message, expected.message);
  assert.equal(caught.code, expected.code);
  assert.equal(caught.status, expected.status);
  assert.equal(caught.idpError, expected.idpError);
  for (const secret of [RAT, NEW_RAT, IAT, ADMIN]) assert.ok(!caught.message.includes(secret), `${secret} leaked`);
  return caught;
}
