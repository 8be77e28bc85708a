/**
 * The registration processor with in-memory answers: every class of answer a register can get,
 * with the exact message, code, status and idpError.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { processRegister } from "../../provider/protocol/process-register";
import {
  answer,
  clientBody,
  nested,
  RAT,
  registerCall,
  throwsExactly,
  URI,
  type AnswerCase,
} from "./processors-fixtures";

const ctx = { doing: "registering the client", advice: "look it up" };

interface Case extends AnswerCase {
  metadata?: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: "400 with an RFC 7591 error",
    answer: answer(400, { error: "invalid_redirect_uri", error_description: "redirect_uris[0] must be https" }),
    metadata: { client_name: "bff", redirect_uris: ["http://x"] },
    code: "ERR_IDP_REJECTED",
    message:
      '[ERR_IDP_REJECTED] registering the client: POST https://idp.example.com/reg answered 400 invalid_redirect_uri: redirect_uris[0] must be https; the IdP refused member "redirect_uris". Nothing was registered; fix the metadata the IdP named and run again',
    status: 400,
    idpError: "invalid_redirect_uri",
  },
  {
    name: "400 without an error object",
    answer: answer(400, "bad request", "text/plain"),
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] registering the client: POST https://idp.example.com/reg answered 400 bad request. Nothing was registered; fix the metadata the IdP named and run again",
    status: 400,
  },
  {
    name: "400 invalid_client_metadata naming jwks: use jwksUri",
    answer: answer(400, { error: "invalid_client_metadata", error_description: "jwks is not allowed" }),
    metadata: { client_name: "bff", jwks: { keys: [] } },
    code: "ERR_IDP_REJECTED",
    message:
      '[ERR_IDP_REJECTED] registering the client: POST https://idp.example.com/reg answered 400 invalid_client_metadata: jwks is not allowed; the IdP refused member "jwks"; the IdP does not take an inline jwks: use `jwksUri` mode instead (set "jwksUri" to a URL where the application serves the `jwks` output; rotations then need no update at the IdP). Nothing was registered; fix the metadata the IdP named and run again',
    status: 400,
    idpError: "invalid_client_metadata",
  },
  {
    name: "400 with an unknown error code",
    answer: answer(400, { error: "something_new" }),
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] registering the client: POST https://idp.example.com/reg answered 400 something_new. Nothing was registered; fix the metadata the IdP named and run again",
    status: 400,
    idpError: "something_new",
  },
  {
    name: "401 invalid_token: the IAT refused",
    answer: answer(401, { error: "invalid_token" }),
    code: "ERR_IAT_INVALID",
    message:
      "[ERR_IAT_INVALID] registering the client: the IdP refused the Initial Access Token (401 invalid_token); it may be wrong, expired or used up. Have an IdP admin mint a fresh one (in the IdP's admin console or admin API) and `pulumi config set --secret dcr:initialAccessToken <token>`",
    status: 401,
  },
  {
    name: "401 invalid_client: the IAT refused",
    answer: answer(401, { error: "invalid_client" }),
    code: "ERR_IAT_INVALID",
    message:
      "[ERR_IAT_INVALID] registering the client: the IdP refused the Initial Access Token (401 invalid_client); it may be wrong, expired or used up. Have an IdP admin mint a fresh one (in the IdP's admin console or admin API) and `pulumi config set --secret dcr:initialAccessToken <token>`",
    status: 401,
  },
  {
    name: "403 without a body",
    answer: answer(403),
    code: "ERR_IAT_INVALID",
    message:
      "[ERR_IAT_INVALID] registering the client: the IdP refused the Initial Access Token (403); it may be wrong, expired or used up. Have an IdP admin mint a fresh one (in the IdP's admin console or admin API) and `pulumi config set --secret dcr:initialAccessToken <token>`",
    status: 403,
  },
  {
    name: "400 invalid_token: the IAT refused",
    answer: answer(400, { error: "invalid_token", error_description: "expired" }),
    code: "ERR_IAT_INVALID",
    message:
      "[ERR_IAT_INVALID] registering the client: the IdP refused the Initial Access Token (400 invalid_token: expired); it may be wrong, expired or used up. Have an IdP admin mint a fresh one (in the IdP's admin console or admin API) and `pulumi config set --secret dcr:initialAccessToken <token>`",
    status: 400,
  },
  {
    name: "400 access_denied: the IAT refused",
    answer: answer(400, { error: "access_denied" }),
    code: "ERR_IAT_INVALID",
    message:
      "[ERR_IAT_INVALID] registering the client: the IdP refused the Initial Access Token (400 access_denied); it may be wrong, expired or used up. Have an IdP admin mint a fresh one (in the IdP's admin console or admin API) and `pulumi config set --secret dcr:initialAccessToken <token>`",
    status: 400,
  },
  {
    name: "404: the endpoint is wrong",
    answer: answer(404, "Not Found", "text/plain"),
    code: "ERR_IDP_REJECTED",
    message:
      '[ERR_IDP_REJECTED] registering the client: POST https://idp.example.com/reg answered 404 Not Found. Nothing was registered; check "registrationEndpoint" (or "issuer")',
    status: 404,
  },
  {
    name: "405: the endpoint is wrong",
    answer: answer(405),
    code: "ERR_IDP_REJECTED",
    message:
      '[ERR_IDP_REJECTED] registering the client: POST https://idp.example.com/reg answered 405. Nothing was registered; check "registrationEndpoint" (or "issuer")',
    status: 405,
  },
  {
    name: "409: adoption advice",
    answer: answer(409, { error: "invalid_client_metadata", error_description: "client_id already registered" }),
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] registering the client: POST https://idp.example.com/reg answered 409 invalid_client_metadata: client_id already registered. If a client from an earlier attempt already exists, look it up",
    status: 409,
    idpError: "invalid_client_metadata",
  },
  {
    name: "500 (the sender gave up): outcome unknown",
    answer: answer(500, { error: "server_error" }),
    code: "ERR_OUTCOME_UNKNOWN",
    message:
      "[ERR_OUTCOME_UNKNOWN] registering the client: the IdP answered 500 instead of 201; the client may have been registered. To find out, look it up",
    status: 500,
  },
  {
    name: "204: outcome unknown",
    answer: answer(204),
    code: "ERR_OUTCOME_UNKNOWN",
    message:
      "[ERR_OUTCOME_UNKNOWN] registering the client: the IdP answered 204 instead of 201; the client may have been registered. To find out, look it up",
    status: 204,
  },
  {
    name: "201 not JSON: described, never quoted",
    answer: answer(201, `<p>registered, token ${RAT}</p>`, "text/html"),
    code: "ERR_OUTCOME_UNKNOWN",
    message:
      '[ERR_OUTCOME_UNKNOWN] registering the client: POST https://idp.example.com/reg answered 201 with content-type "text/html", expected application/json; the body (46 bytes) is not quoted: a successful answer may carry credentials; the client was probably registered. To find out, look it up',
    status: 201,
  },
  {
    name: "201 declared JSON, malformed: where parsing failed, never quoted",
    answer: answer(201, `{"client_id":"c1","registration_access_token":"${RAT}",`),
    code: "ERR_OUTCOME_UNKNOWN",
    message:
      "[ERR_OUTCOME_UNKNOWN] registering the client: POST https://idp.example.com/reg answered 201 with malformed JSON (70 bytes of application/json; parsing failed at position 70); the body is not quoted; the client was probably registered. To find out, look it up",
    status: 201,
  },
  {
    name: "201 nested 10,000 deep without a handle at the top: outcome unknown",
    answer: answer(201, nested(10_000)),
    code: "ERR_OUTCOME_UNKNOWN",
    message:
      "[ERR_OUTCOME_UNKNOWN] registering the client: POST https://idp.example.com/reg answered 201 with JSON that is nested deeper than 64 levels (60001 bytes); the client was probably registered. To find out, look it up",
    status: 201,
  },
  {
    name: "201 without client_id",
    answer: answer(201, { registration_access_token: RAT }),
    code: "ERR_OUTCOME_UNKNOWN",
    message:
      "[ERR_OUTCOME_UNKNOWN] registering the client: the IdP answered 201 without a client_id; the client was probably registered. To find out, look it up",
    status: 201,
  },
  {
    name: "201 without a registration access token",
    answer: answer(201, { client_id: "c1", registration_client_uri: URI }),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] registering the client: the IdP registered client c1 but its answer has no registration_access_token, so it cannot be managed (RFC 7592). Have an IdP admin issue a registration access token for c1 and pass it via the `adopt` input, or delete the client in the IdP admin",
    status: 201,
  },
  {
    name: "201 with a client_id holding CR/LF: escaped, never a forged line",
    answer: answer(201, { client_id: "c1\r\n[INFO] forged\u2028", registration_client_uri: URI }),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] registering the client: the IdP registered client c1\\r\\n[INFO] forged\\u2028 but its answer has no registration_access_token, so it cannot be managed (RFC 7592). Have an IdP admin issue a registration access token for c1\\r\\n[INFO] forged\\u2028 and pass it via the `adopt` input, or delete the client in the IdP admin",
    status: 201,
  },
  {
    name: "201 with a registration_client_uri on another origin",
    answer: answer(201, clientBody({ registration_client_uri: "https://evil.example.net/reg/c1" })),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] registering the client: the IdP registered client c1 but its answer was refused: the IdP's registration_client_uri https://evil.example.net/reg/c1 is on another origin than https://idp.example.com; refusing to send the registration access token there, so it cannot be managed (RFC 7592). Have an IdP admin issue a registration access token for c1 and pass it via the `adopt` input, or delete the client in the IdP admin",
    status: 201,
  },
];

for (const c of cases) {
  test(`register: ${c.name}`, () => {
    throwsExactly(() => processRegister(c.answer, registerCall(c.metadata), ctx), c);
  });
}

test("register: 201 and 200 give the record; credentials leave the metadata, the handle takes them", () => {
  for (const status of [201, 200]) {
    const record = processRegister(answer(status, clientBody({ client_secret: "s3cret-value" })), registerCall(), ctx);
    assert.deepEqual(record.handle, {
      clientId: "c1",
      registrationClientUri: URI,
      registrationAccessToken: RAT,
      clientSecret: "s3cret-value",
    });
    assert.deepEqual(record.metadata, { client_id: "c1", client_name: "bff" });
  }
});

test("register: 201 nested 10,000 deep with a handle at the top: ERR_IDP_RESPONSE carrying it, non-enumerable", () => {
  const body = `{"client_id":"c1","registration_access_token":"${RAT}","registration_client_uri":"${URI}","x":${nested(10_000)}}`;
  const e = throwsExactly(() => processRegister(answer(201, body), registerCall(), ctx), {
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] registering the client: POST https://idp.example.com/reg answered 201 with JSON that is nested deeper than 64 levels (60135 bytes); the IdP registered client c1 and the client is kept in state with the registration access token its answer holds, so it is not orphaned. Reading it will fail the same way while the IdP answers like this; `pulumi destroy` deletes it at the IdP",
    status: 201,
  });
  assert.deepEqual(e.handle, { clientId: "c1", registrationClientUri: URI, registrationAccessToken: RAT });
  assert.equal(Object.keys(e).includes("handle"), false, "not enumerable");
  assert.equal(JSON.stringify(e).includes(RAT), false, "never serialized");
});

test("register: a usable handle but an unusable record (private key members, a malformed member): the client is kept", () => {
  const rows = [
    {
      extra: { jwks: { keys: [{ kty: "EC", d: "private" }] } },
      said: "registering the client: the IdP's answer has private key material in jwks.keys[0] (members d); only public keys may be published",
    },
    {
      extra: { client_secret_expires_at: "soon", client_secret: "s3cret-value" },
      said: 'registering the client: the IdP\'s answer is malformed at "client_secret_expires_at": Invalid input: expected number, received string',
    },
  ];
  for (const row of rows) {
    const e = throwsExactly(() => processRegister(answer(201, clientBody(row.extra)), registerCall(), ctx), {
      code: "ERR_IDP_RESPONSE",
      message: `[ERR_IDP_RESPONSE] ${row.said}; the IdP registered client c1 and the client is kept in state with the registration access token its answer holds, so it is not orphaned. Reading it will fail the same way while the IdP answers like this; \`pulumi destroy\` deletes it at the IdP`,
      status: 201,
    });
    const secret = "client_secret" in row.extra ? { clientSecret: "s3cret-value" } : {};
    assert.deepEqual(e.handle, { clientId: "c1", registrationClientUri: URI, registrationAccessToken: RAT, ...secret });
  }
});
