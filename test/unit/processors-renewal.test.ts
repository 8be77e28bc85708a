/**
 * The renewal and discovery processors with in-memory answers (exact message, code, status,
 * idpError), and the request builders they pair with.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { processDiscovery } from "../../provider/protocol/process-discovery";
import { processRenewal } from "../../provider/protocol/process-renewal";
import { discoveryRequest, manageRequest, renewalRequest } from "../../provider/protocol/requests";
import { ADMIN, answer, handle, NEW_RAT, ORIGIN, RAT, throwsExactly, type AnswerCase } from "./processors-fixtures";

const DOING = "renewing the registration access token of client c1";
const renewal = () => renewalRequest(handle(), { adminToken: ADMIN });

type Case = AnswerCase;

const cases: Case[] = [
  {
    name: "404: gone",
    answer: answer(404),
    code: "ERR_CLIENT_GONE",
    message:
      "[ERR_CLIENT_GONE] renewing the registration access token of client c1: the IdP's admin API (https://idp.example.com/api/admin/dcr/clients/c1/tokens) answered 404: the client no longer exists at the IdP",
    status: 404,
  },
  {
    name: "410: gone",
    answer: answer(410),
    code: "ERR_CLIENT_GONE",
    message:
      "[ERR_CLIENT_GONE] renewing the registration access token of client c1: the IdP's admin API (https://idp.example.com/api/admin/dcr/clients/c1/tokens) answered 410: the client no longer exists at the IdP",
    status: 410,
  },
  {
    name: "401: the admin token refused",
    answer: answer(401, { error: "invalid_token" }),
    code: "ERR_RAT_INVALID",
    message:
      '[ERR_RAT_INVALID] renewing the registration access token of client c1: the IdP refused the admin token (401 invalid_token at https://idp.example.com/api/admin/dcr/clients/c1/tokens); check "adminToken" / dcr:adminToken, or have an IdP admin issue a fresh registration access token, remove the resource from state (`pulumi state delete <urn>`) and run `pulumi up` with it in the `adopt` input',
    status: 401,
  },
  {
    name: "400 access_denied: the admin token refused",
    answer: answer(400, { error: "access_denied" }),
    code: "ERR_RAT_INVALID",
    message:
      '[ERR_RAT_INVALID] renewing the registration access token of client c1: the IdP refused the admin token (400 access_denied at https://idp.example.com/api/admin/dcr/clients/c1/tokens); check "adminToken" / dcr:adminToken, or have an IdP admin issue a fresh registration access token, remove the resource from state (`pulumi state delete <urn>`) and run `pulumi up` with it in the `adopt` input',
    status: 400,
  },
  {
    name: "400 invalid_request: rejected",
    answer: answer(400, { error: "invalid_request", error_description: "no body" }),
    code: "ERR_IDP_REJECTED",
    message:
      "[ERR_IDP_REJECTED] renewing the registration access token of client c1: POST https://idp.example.com/api/admin/dcr/clients/c1/tokens answered 400 invalid_request: no body",
    status: 400,
    idpError: "invalid_request",
  },
  {
    name: "503 (the sender gave up): unavailable",
    answer: answer(503, "down", "text/plain"),
    code: "ERR_IDP_UNAVAILABLE",
    message:
      "[ERR_IDP_UNAVAILABLE] renewing the registration access token of client c1: POST https://idp.example.com/api/admin/dcr/clients/c1/tokens answered 503 down; the IdP is failing or overloaded: run again later",
    status: 503,
  },
  {
    name: "200 malformed JSON holding the new token: never quoted",
    answer: answer(200, `{"registration_access_token":"${NEW_RAT}"`),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] POST https://idp.example.com/api/admin/dcr/clients/c1/tokens answered 200 with malformed JSON (53 bytes of application/json; parsing failed at position 53); the body is not quoted",
  },
  {
    name: "200 about another client: escaped, the token not used",
    answer: answer(200, { client_id: "c2\u0007\u001b[31m", registration_access_token: NEW_RAT }),
    code: "ERR_IDP_RESPONSE",
    message:
      '[ERR_IDP_RESPONSE] renewing the registration access token of client c1: the admin API answered about client_id "c2\\u0007\\u001b[31m"; the token was not used',
  },
  {
    name: "200 without a token",
    answer: answer(200, { client_id: "c1" }),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] renewing the registration access token of client c1: the admin API's answer has no registration_access_token",
  },
];

for (const c of cases) {
  test(`renewal: ${c.name}`, () => {
    throwsExactly(() => processRenewal(c.answer, renewal(), { handle: handle(), doing: DOING }), c);
  });
}

test("renewal: the token of a snake_case (seed) or camelCase (Keycloak) answer", () => {
  const ctx = { handle: handle(), doing: DOING };
  assert.equal(
    processRenewal(answer(201, { client_id: "c1", registration_access_token: NEW_RAT }), renewal(), ctx),
    NEW_RAT,
  );
  assert.equal(
    processRenewal(answer(200, { clientId: "c1", registrationAccessToken: NEW_RAT }), renewal(), ctx),
    NEW_RAT,
  );
});

test("builders: the admin renewal POST, and management calls to registration_client_uri exactly (query kept)", () => {
  const call = renewal();
  assert.equal(call.method, "POST");
  assert.equal(call.url.href, `${ORIGIN}/api/admin/dcr/clients/c1/tokens`);
  assert.equal(call.bearer, ADMIN);
  assert.deepEqual(call.secrets, [RAT, undefined]);
  const h = { ...handle(), registrationClientUri: `${ORIGIN}/connect/register?client_id=c1` };
  const get = manageRequest(h, "GET", {});
  assert.equal(get.url.href, `${ORIGIN}/connect/register?client_id=c1`);
  assert.equal(get.bearer, RAT);
  assert.equal(get.retry, "idempotent");
  assert.equal(discoveryRequest(ORIGIN).url.href, `${ORIGIN}/.well-known/openid-configuration`);
});

const discoveryCases: Case[] = [
  {
    name: "404: check issuer",
    answer: answer(404, "no such page", "text/plain"),
    code: "ERR_IDP_REJECTED",
    message:
      '[ERR_IDP_REJECTED] discovering the registration endpoint of https://idp.example.com/: GET https://idp.example.com/.well-known/openid-configuration answered 404 no such page. Check "issuer", or set "registrationEndpoint" instead',
    status: 404,
  },
  {
    name: "200 without registration_endpoint: unsupported",
    answer: answer(200, { issuer: ORIGIN }),
    code: "ERR_IDP_UNSUPPORTED",
    message:
      '[ERR_IDP_UNSUPPORTED] discovering the registration endpoint of https://idp.example.com/: the IdP advertises no registration_endpoint, so it does not support Dynamic Client Registration (RFC 7591); enable it at the IdP or set "registrationEndpoint"',
  },
  {
    name: "200 naming another issuer",
    answer: answer(200, { issuer: "https://other.example.com\r\nforged" }),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] discovering the registration endpoint of https://idp.example.com/: the document names issuer https://other.example.comforged/, not https://idp.example.com/ (OpenID Connect Discovery §4.3)",
  },
  {
    name: "200 not JSON",
    answer: answer(200, "<html></html>", "text/html"),
    code: "ERR_IDP_RESPONSE",
    message:
      '[ERR_IDP_RESPONSE] GET https://idp.example.com/.well-known/openid-configuration answered 200 with content-type "text/html", expected application/json; the body (13 bytes) is not quoted: a successful answer may carry credentials',
  },
  {
    name: "200 with a registration endpoint over plain http elsewhere",
    answer: answer(200, { issuer: ORIGIN, registration_endpoint: "http://idp.example.com/reg" }),
    code: "ERR_IDP_RESPONSE",
    message:
      "[ERR_IDP_RESPONSE] the IdP's registration_endpoint must be an https URL (http is allowed only for loopback, or anywhere with allowInsecureHttp) (got http://idp.example.com/reg)",
  },
];

for (const c of discoveryCases) {
  test(`discovery: ${c.name}`, () => {
    throwsExactly(() => processDiscovery(c.answer, discoveryRequest(ORIGIN), ORIGIN), c);
  });
}

test("discovery: 200 gives the registration endpoint", () => {
  const doc = { issuer: `${ORIGIN}/`, registration_endpoint: `${ORIGIN}/reg` };
  assert.equal(processDiscovery(answer(200, doc), discoveryRequest(ORIGIN), ORIGIN), `${ORIGIN}/reg`);
});
