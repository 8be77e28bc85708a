/**
 * The management processors with in-memory answers: what each status means for GET, PUT, PATCH
 * and DELETE (exact message, code, status, idpError), the record a 2xx carries, and the
 * confirming GET after a 404.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { processConfirmation, processManage, processRecord, unsupported } from "../../provider/protocol/process-manage";
import { RatRefused } from "../../provider/protocol/refusal";
import {
  answer,
  clientBody,
  handle,
  manageCall,
  nested,
  NEW_RAT,
  RAT,
  throwsExactly,
  type AnswerCase,
} from "./processors-fixtures";

const DOING = "updating client c1 at https://idp.example.com/reg/c1";

interface Case extends AnswerCase {
  method: "GET" | "PUT" | "PATCH" | "DELETE";
  json?: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: "GET 401 invalid_token: the token refused (before the renewal policy)",
    method: "GET",
    answer: answer(401, { error: "invalid_token", error_description: "token expired" }),
    code: "ERR_RAT_INVALID",
    message: "[ERR_RAT_INVALID] 401 invalid_token: token expired",
    status: 401,
    idpError: "invalid_token",
  },
  {
    name: "GET 403 without a body: the token refused",
    method: "GET",
    answer: answer(403),
    code: "ERR_RAT_INVALID",
    message: "[ERR_RAT_INVALID] 403",
    status: 403,
  },
  {
    name: "PATCH 400 invalid_token: the token refused",
    method: "PATCH",
    answer: answer(400, { error: "invalid_token" }),
    code: "ERR_RAT_INVALID",
    message: "[ERR_RAT_INVALID] 400 invalid_token",
    status: 400,
    idpError: "invalid_token",
  },
  {
    name: "PUT 400 access_denied: the token refused",
    method: "PUT",
    answer: answer(400, { error: "access_denied" }),
    code: "ERR_RAT_INVALID",
    message: "[ERR_RAT_INVALID] 400 access_denied",
    status: 400,
    idpError: "access_denied",
  },
  {
    name: "DELETE 401 invalid_client: the token refused",
    method: "DELETE",
    answer: answer(401, { error: "invalid_client" }),
    code: "ERR_RAT_INVALID",
    message: "[ERR_RAT_INVALID] 401 invalid_client",
    status: 401,
    idpError: "invalid_client",
  },
  {
    name: "PATCH 400 invalid_client: not a refused token",
    method: "PATCH",
    answer: answer(400, { error: "invalid_client", error_description: "bad auth method" }),
    json: { token_endpoint_auth_method: "x" },
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] updating client c1 at https://idp.example.com/reg/c1: PATCH https://idp.example.com/reg/c1 answered 400 invalid_client: bad auth method",
    status: 400,
    idpError: "invalid_client",
  },
  {
    name: "GET 404: gone",
    method: "GET",
    answer: answer(404),
    code: "ERR_CLIENT_GONE",
    message:
      "[ERR_CLIENT_GONE] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 404 to GET: the client no longer exists at the IdP",
    status: 404,
  },
  {
    name: "GET 410: gone",
    method: "GET",
    answer: answer(410, { error: "gone" }),
    code: "ERR_CLIENT_GONE",
    message:
      "[ERR_CLIENT_GONE] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 410 to GET: the client no longer exists at the IdP",
    status: 410,
  },
  {
    name: "DELETE 410: gone without a confirming GET",
    method: "DELETE",
    answer: answer(410),
    code: "ERR_CLIENT_GONE",
    message:
      "[ERR_CLIENT_GONE] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 410 to DELETE: the client no longer exists at the IdP",
    status: 410,
  },
  {
    name: "DELETE 405: delete unsupported, delete in the admin then state delete",
    method: "DELETE",
    answer: answer(405),
    code: "ERR_IDP_UNSUPPORTED",
    message:
      "[ERR_IDP_UNSUPPORTED] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 405 to DELETE, so the IdP does not support delete (RFC 7592): delete the client in the IdP admin, then `pulumi state delete <urn>`",
    status: 405,
  },
  {
    name: "PUT 405: PUT unsupported, PATCH or jwksUri",
    method: "PUT",
    answer: answer(405),
    code: "ERR_IDP_UNSUPPORTED",
    message:
      '[ERR_IDP_UNSUPPORTED] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 405 to PUT, so the IdP does not support PUT (RFC 7592): set "updateMethod" to "PATCH" if the IdP supports it, or rotate through `jwksUri` mode (the app serves the jwks output; no update is needed)',
    status: 405,
  },
  {
    name: "PATCH 405: PATCH unsupported, PUT or jwksUri",
    method: "PATCH",
    answer: answer(405, "Method Not Allowed", "text/plain"),
    code: "ERR_IDP_UNSUPPORTED",
    message:
      '[ERR_IDP_UNSUPPORTED] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 405 to PATCH, so the IdP does not support PATCH (RFC 7592): set "updateMethod" to "PUT", or rotate through `jwksUri` mode (the app serves the jwks output; no update is needed)',
    status: 405,
  },
  {
    name: "PUT 409",
    method: "PUT",
    answer: answer(409, { error: "invalid_client_metadata", error_description: "conflict" }),
    json: { client_id: "c1" },
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] updating client c1 at https://idp.example.com/reg/c1: PUT https://idp.example.com/reg/c1 answered 409 invalid_client_metadata: conflict",
    status: 409,
    idpError: "invalid_client_metadata",
  },
  {
    name: "PATCH 400 invalid_client_metadata naming jwks: use jwksUri",
    method: "PATCH",
    answer: answer(400, { error: "invalid_client_metadata", error_description: "jwks must be absent" }),
    json: { jwks: { keys: [] } },
    code: "ERR_IDP_REJECTED",
    message:
      '[ERR_IDP_REJECTED] updating client c1 at https://idp.example.com/reg/c1: PATCH https://idp.example.com/reg/c1 answered 400 invalid_client_metadata: jwks must be absent; the IdP refused member "jwks"; the IdP does not take an inline jwks: use `jwksUri` mode instead (set "jwksUri" to a URL where the application serves the `jwks` output; rotations then need no update at the IdP)',
    status: 400,
    idpError: "invalid_client_metadata",
  },
  {
    name: "PATCH 400 without an error object: a redacted excerpt",
    method: "PATCH",
    answer: answer(400, `bad request for token ${RAT}\r\nX-Forged: 1`, "text/plain"),
    json: { client_name: "x" },
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] updating client c1 at https://idp.example.com/reg/c1: PATCH https://idp.example.com/reg/c1 answered 400 bad request for token [redacted] X-Forged: 1",
    status: 400,
  },
  {
    name: "PUT 400 with an unknown error code",
    method: "PUT",
    answer: answer(400, { error: "weird_error", error_description: "line1\nline2" }),
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] updating client c1 at https://idp.example.com/reg/c1: PUT https://idp.example.com/reg/c1 answered 400 weird_error: line1 line2",
    status: 400,
    idpError: "weird_error",
  },
  {
    name: "PATCH 400 with an error code holding CR/LF: escaped in the message and in idpError",
    method: "PATCH",
    answer: answer(400, { error: "bad\r\nERROR forged", error_description: "x" }),
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] updating client c1 at https://idp.example.com/reg/c1: PATCH https://idp.example.com/reg/c1 answered 400 bad ERROR forged: x",
    status: 400,
    idpError: "bad\\r\\nERROR forged",
  },
  {
    name: "GET 500 (the sender gave up): unavailable",
    method: "GET",
    answer: answer(500, { error: "server_error" }),
    code: "ERR_IDP_UNAVAILABLE",
    message:
      "[ERR_IDP_UNAVAILABLE] updating client c1 at https://idp.example.com/reg/c1: GET https://idp.example.com/reg/c1 answered 500 server_error; the IdP is failing or overloaded: run again later",
    status: 500,
    idpError: "server_error",
  },
  {
    name: "DELETE 429 (the sender gave up): unavailable",
    method: "DELETE",
    answer: answer(429),
    code: "ERR_IDP_UNAVAILABLE",
    message:
      "[ERR_IDP_UNAVAILABLE] updating client c1 at https://idp.example.com/reg/c1: DELETE https://idp.example.com/reg/c1 answered 429; the IdP is failing or overloaded: run again later",
    status: 429,
  },
  {
    name: "GET 302: redirects are not followed",
    method: "GET",
    answer: answer(302, "", "text/plain"),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] updating client c1 at https://idp.example.com/reg/c1: GET https://idp.example.com/reg/c1 answered 302 (redirects are not followed: they would carry the token elsewhere)",
    status: 302,
  },
];

for (const c of cases) {
  test(`manage: ${c.method} ${c.name}`, () => {
    const e = throwsExactly(
      () => processManage(c.answer, manageCall(c.method, c.json), { handle: handle(), doing: DOING }),
      c,
    );
    assert.equal(e instanceof RatRefused, c.code === "ERR_RAT_INVALID", "a refused token goes to the renewal policy");
  });
}

test("manage: 2xx is done; 404 to PUT, PATCH and DELETE is unconfirmed until a GET says", () => {
  const ctx = { handle: handle(), doing: DOING };
  for (const status of [200, 201, 204]) {
    assert.equal(processManage(answer(status), manageCall("DELETE"), ctx).kind, "done");
  }
  for (const method of ["PUT", "PATCH", "DELETE"] as const) {
    assert.deepEqual(processManage(answer(404), manageCall(method), ctx), { kind: "unconfirmed", status: 404 });
  }
});

type RecordCase = Omit<AnswerCase, "status" | "idpError">;

const records: RecordCase[] = [
  {
    name: "200 not JSON: described, never quoted",
    answer: answer(200, `<html>${RAT}</html>`, "text/html"),
    code: "ERR_IDP_RESPONSE",
    message:
      '[ERR_IDP_RESPONSE] GET https://idp.example.com/reg/c1 answered 200 with content-type "text/html", expected application/json; the body (34 bytes) is not quoted: a successful answer may carry credentials',
  },
  {
    name: "200 without a content type",
    answer: answer(200, JSON.stringify(clientBody()), ""),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] GET https://idp.example.com/reg/c1 answered 200 without a content-type, expected application/json; the body (149 bytes) is not quoted: a successful answer may carry credentials",
  },
  {
    name: "200 malformed JSON holding the rotated token: position, never quoted",
    answer: answer(200, `{"registration_access_token":"${NEW_RAT}" "client_id":"c1"}`),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] GET https://idp.example.com/reg/c1 answered 200 with malformed JSON (71 bytes of application/json; parsing failed at position 54); the body is not quoted",
  },
  {
    name: "200 JSON that is not an object",
    answer: answer(200, "[1,2]"),
    code: "ERR_IDP_RESPONSE",
    message: "[ERR_IDP_RESPONSE] GET https://idp.example.com/reg/c1 answered 200 with JSON that is not an object",
  },
  {
    name: "200 nested 10,000 deep",
    answer: answer(200, nested(10_000)),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] GET https://idp.example.com/reg/c1 answered 200 with JSON that is nested deeper than 64 levels (60001 bytes)",
  },
  {
    name: "200 with more than 10,000 members",
    answer: answer(200, { client_id: "c1", contacts: Array.from({ length: 10_001 }, () => 0) }),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] GET https://idp.example.com/reg/c1 answered 200 with JSON that holds more than 10000 members and elements (20033 bytes)",
  },
  {
    name: "200 about another client, its id holding CR/LF: escaped",
    answer: answer(200, { client_id: "c2\r\nERROR forged", registration_access_token: NEW_RAT }),
    code: "ERR_IDP_RESPONSE",
    message:
      '[ERR_IDP_RESPONSE] updating client c1 at https://idp.example.com/reg/c1: the IdP answered about client_id "c2\\r\\nERROR forged" instead of "c1"; nothing from this answer was used',
  },
  {
    name: "200 with a malformed member: the member name escaped",
    answer: answer(200, { client_id: "c1", jwks: { keys: "x" } }),
    code: "ERR_IDP_RESPONSE",
    message:
      '[ERR_IDP_RESPONSE] updating client c1 at https://idp.example.com/reg/c1: the IdP\'s answer is malformed at "jwks.keys": Invalid input: expected array, received string',
  },
];

for (const c of records) {
  test(`record: ${c.name}`, () => {
    throwsExactly(() => processRecord(c.answer, manageCall("GET"), { handle: handle(), doing: DOING }), {
      code: c.code,
      message: c.message,
      status: undefined,
    });
  });
}

test("record: a 200 answer's rotated token is taken into the handle, credentials leave the metadata", () => {
  const h = handle();
  const record = processRecord(answer(200, clientBody({ registration_access_token: NEW_RAT })), manageCall("GET"), {
    handle: h,
    doing: DOING,
  });
  assert.equal(h.registrationAccessToken, NEW_RAT);
  assert.equal(record.handle, h);
  assert.deepEqual(record.metadata, { client_id: "c1", client_name: "bff" });
});

test("confirmation: 404, 410 and a refused token (401, 400 invalid_token / access_denied) mean gone", () => {
  const ctx = { handle: handle(), doing: DOING };
  const answers = [
    answer(404),
    answer(410),
    answer(401, { error: "invalid_token" }),
    answer(403),
    answer(400, { error: "invalid_token" }),
    answer(400, { error: "access_denied" }),
  ];
  for (const a of answers)
    assert.equal(processConfirmation(a, manageCall("GET"), ctx), "gone", `${a.status} ${a.text}`);
});

test("confirmation: 200 means exists, and its rotated token is kept; another answer is an error", () => {
  const h = handle();
  const ctx = { handle: h, doing: DOING };
  assert.equal(
    processConfirmation(answer(200, clientBody({ registration_access_token: NEW_RAT })), manageCall("GET"), ctx),
    "exists",
  );
  assert.equal(h.registrationAccessToken, NEW_RAT);
  assert.equal(processConfirmation(answer(200, "not json", "text/plain"), manageCall("GET"), ctx), "exists");
  throwsExactly(() => processConfirmation(answer(400, { error: "invalid_request" }), manageCall("GET"), ctx), {
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] updating client c1 at https://idp.example.com/reg/c1: GET https://idp.example.com/reg/c1 answered 400 invalid_request",
    status: 400,
    idpError: "invalid_request",
  });
});

test("unsupported: a 404 to DELETE, PUT or PATCH while a GET returns the client", () => {
  throwsExactly(
    () => {
      throw unsupported("DELETE", 404, DOING, true);
    },
    {
      code: "ERR_IDP_UNSUPPORTED",
      message:
        "[ERR_IDP_UNSUPPORTED] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 404 to DELETE although a GET with the same token returns the client, so the IdP does not support delete (RFC 7592): delete the client in the IdP admin, then `pulumi state delete <urn>`",
      status: 404,
    },
  );
  throwsExactly(
    () => {
      throw unsupported("PUT", 404, DOING, true);
    },
    {
      code: "ERR_IDP_UNSUPPORTED",
      message:
        '[ERR_IDP_UNSUPPORTED] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 404 to PUT although a GET with the same token returns the client, so the IdP does not support PUT (RFC 7592): set "updateMethod" to "PATCH" if the IdP supports it, or rotate through `jwksUri` mode (the app serves the jwks output; no update is needed)',
      status: 404,
    },
  );
  throwsExactly(
    () => {
      throw unsupported("PATCH", 404, DOING, true);
    },
    {
      code: "ERR_IDP_UNSUPPORTED",
      message:
        '[ERR_IDP_UNSUPPORTED] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 404 to PATCH although a GET with the same token returns the client, so the IdP does not support PATCH (RFC 7592): set "updateMethod" to "PUT", or rotate through `jwksUri` mode (the app serves the jwks output; no update is needed)',
      status: 404,
    },
  );
});
