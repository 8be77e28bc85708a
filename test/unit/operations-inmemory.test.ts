/**
 * Whole protocol operations (register, read, update by PUT and PATCH, delete) through an
 * injected fetch: the requests each one sends, counted, and what it makes of scripted answers —
 * without a socket.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DcrError } from "../../provider/errors";
import { deleteClient, readClient, register, updateClient } from "../../provider/protocol/registration";
import type { ClientHandle, RequestOptions } from "../../provider/protocol/types";
import { ADMIN, ENDPOINT, IAT, NEW_RAT, ORIGIN, RAT, URI } from "./processors-fixtures";

interface Seen {
  method: string;
  /** Path and query. */
  target: string;
  bearer: string | undefined;
  body: unknown;
}

type Reply = { status: number; body?: unknown; contentType?: string };

/** A fetch that answers from `script` in order and records every request. */
function scripted(...script: Reply[]): { fetch: typeof globalThis.fetch; seen: Seen[]; lines: () => string[] } {
  const seen: Seen[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const auth = new Headers(init?.headers).get("authorization");
    const text = typeof init?.body === "string" ? init.body : undefined;
    seen.push({
      method: init?.method ?? "GET",
      target: `${url.pathname}${url.search}`,
      bearer: auth?.replace(/^Bearer /, ""),
      body: text === undefined ? undefined : (JSON.parse(text) as unknown),
    });
    const reply = script.shift();
    if (reply === undefined) throw new Error(`unscripted request ${init?.method} ${url.href}`);
    const body =
      reply.body === undefined ? null : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    return new Response(reply.status === 204 ? null : body, {
      status: reply.status,
      headers: { "content-type": reply.contentType ?? "application/json" },
    });
  }) as typeof globalThis.fetch;
  return { fetch, seen, lines: () => seen.map((s) => `${s.method} ${s.target}`) };
}

const record = (extra: Record<string, unknown> = {}) => ({ client_id: "c1", client_name: "bff", ...extra });
const handle = (uri = URI): ClientHandle => ({
  clientId: "c1",
  registrationClientUri: uri,
  registrationAccessToken: RAT,
});
const opts = (fetch: typeof globalThis.fetch, extra: RequestOptions & { adminToken?: string } = {}) => ({
  fetch,
  retryBaseMs: 0,
  ...extra,
});

async function rejects(promise: Promise<unknown>): Promise<DcrError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof DcrError, String(e));
    for (const secret of [RAT, NEW_RAT, IAT, ADMIN]) assert.ok(!e.message.includes(secret), `${secret} leaked`);
    return e;
  }
  assert.fail("expected a rejection");
}

test("register: one POST with the IAT as bearer; the record and handle of the 201", async () => {
  const idp = scripted({
    status: 201,
    body: record({ registration_access_token: RAT, registration_client_uri: URI }),
  });
  const out = await register(ENDPOINT, { client_name: "bff" }, IAT, opts(idp.fetch));
  assert.deepEqual(idp.lines(), ["POST /reg"]);
  assert.equal(idp.seen[0]?.bearer, IAT);
  assert.deepEqual(idp.seen[0]?.body, { client_name: "bff" });
  assert.deepEqual(out.handle, handle());
  assert.deepEqual(out.metadata, record());
});

test("register: a 201 that is not JSON is never retried, never quoted: ERR_OUTCOME_UNKNOWN", async () => {
  const idp = scripted({ status: 201, body: `token=${RAT}`, contentType: "text/plain" });
  const e = await rejects(register(ENDPOINT, { client_name: "bff" }, IAT, opts(idp.fetch)));
  assert.equal(e.code, "ERR_OUTCOME_UNKNOWN");
  assert.deepEqual(idp.lines(), ["POST /reg"]);
});

test("readClient: one GET; a rotated token is taken into the caller's handle", async () => {
  const idp = scripted({ status: 200, body: record({ registration_access_token: NEW_RAT }) });
  const h = handle();
  const out = await readClient(h, opts(idp.fetch));
  assert.deepEqual(idp.lines(), ["GET /reg/c1"]);
  assert.equal(idp.seen[0]?.bearer, RAT);
  assert.equal(h.registrationAccessToken, NEW_RAT);
  assert.deepEqual(out.metadata, record());
});

test("readClient: a 503 is retried, then the 200 read (2 requests)", async () => {
  const idp = scripted({ status: 503 }, { status: 200, body: record() });
  await readClient(handle(), opts(idp.fetch));
  assert.deepEqual(idp.lines(), ["GET /reg/c1", "GET /reg/c1"]);
});

test("updateClient PUT: GET then PUT of the whole record with the owned members laid over (2 requests)", async () => {
  const idp = scripted(
    { status: 200, body: record({ scope: "openid", registration_access_token: NEW_RAT }) },
    { status: 200, body: record({ client_name: "new", scope: "openid" }) },
  );
  const h = handle();
  const out = await updateClient(h, { client_name: "new" }, "PUT", opts(idp.fetch));
  assert.deepEqual(idp.lines(), ["GET /reg/c1", "PUT /reg/c1"]);
  assert.deepEqual(idp.seen[1]?.body, { client_id: "c1", client_name: "new", scope: "openid" });
  assert.equal(idp.seen[1]?.bearer, NEW_RAT, "the PUT uses the token the GET rotated");
  assert.equal(out.metadata.client_name, "new");
});

test("updateClient PATCH: one PATCH of the owned members", async () => {
  const idp = scripted({ status: 200, body: record({ client_name: "new" }) });
  await updateClient(handle(), { client_name: "new" }, "PATCH", opts(idp.fetch));
  assert.deepEqual(idp.lines(), ["PATCH /reg/c1"]);
  assert.deepEqual(idp.seen[0]?.body, { client_name: "new" });
});

for (const refusal of [
  { status: 401, body: { error: "invalid_token" } },
  { status: 400, body: { error: "invalid_token" } },
  { status: 400, body: { error: "access_denied" } },
]) {
  test(`updateClient PATCH: ${refusal.status} ${refusal.body.error} → admin renewal → PATCH again (3 requests)`, async () => {
    const idp = scripted(
      refusal,
      { status: 201, body: { client_id: "c1", registration_access_token: NEW_RAT } },
      { status: 200, body: record({ client_name: "new" }) },
    );
    const h = handle();
    await updateClient(h, { client_name: "new" }, "PATCH", opts(idp.fetch, { adminToken: ADMIN }));
    assert.deepEqual(idp.lines(), ["PATCH /reg/c1", "POST /api/admin/dcr/clients/c1/tokens", "PATCH /reg/c1"]);
    assert.deepEqual(
      idp.seen.map((s) => s.bearer),
      [RAT, ADMIN, NEW_RAT],
    );
    assert.equal(h.registrationAccessToken, NEW_RAT);
  });
}

test("readClient: 400 access_denied without an admin token → ERR_RAT_INVALID naming both causes (1 request)", async () => {
  const idp = scripted({ status: 400, body: { error: "access_denied" } });
  const e = await rejects(readClient(handle(), opts(idp.fetch)));
  assert.equal(e.code, "ERR_RAT_INVALID");
  assert.equal(e.status, 400);
  assert.equal(e.idpError, "access_denied");
  assert.equal(
    e.message,
    "[ERR_RAT_INVALID] reading client c1 at https://idp.example.com/reg/c1: the IdP refused the registration access token (400 access_denied). " +
      "Either the client was deleted at the IdP (RFC 7592 IdPs may answer 401 for a client that no longer exists), or its registration access token was revoked or expired. " +
      'Nothing was re-registered. If the client still exists: set "adminToken" (`pulumi config set --secret dcr:adminToken <token>`) so the token is renewed automatically, ' +
      "or have an IdP admin issue a fresh registration access token for client c1 (in the IdP's admin console or admin API), remove the resource from state (`pulumi state delete <urn>`) " +
      "and run `pulumi up` with clientId and that token in the `adopt` input. If the client is gone: `pulumi state delete <urn>` and run `pulumi up` to register a new one.",
  );
  assert.deepEqual(idp.lines(), ["GET /reg/c1"]);
});

test("readClient: a JWT token refused after its exp → 'expired at <ISO>', not a guess (now from the options)", async () => {
  const payload = Buffer.from(JSON.stringify({ exp: 1_800_000_000 })).toString("base64url");
  const expiring = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln`;
  const idp = scripted({ status: 401, body: { error: "invalid_token" } });
  const h = { ...handle(), registrationAccessToken: expiring };
  const e = await rejects(readClient(h, opts(idp.fetch, { now: new Date("2027-01-15T09:00:00Z") })));
  assert.equal(
    e.message,
    "[ERR_RAT_INVALID] reading client c1 at https://idp.example.com/reg/c1: the IdP refused the registration access token (401 invalid_token): " +
      "the token expired at 2027-01-15T08:00:00.000Z. Nothing was re-registered. The client most likely still exists: " +
      'set "adminToken" (`pulumi config set --secret dcr:adminToken <token>`) so the token is renewed automatically, or have an IdP admin issue a fresh registration access token ' +
      "for client c1 (in the IdP's admin console or admin API), remove the resource from state (`pulumi state delete <urn>`) and run `pulumi up` with clientId and that token in the `adopt` input.",
  );
  const early = scripted({ status: 401 });
  const before = await rejects(readClient(h, opts(early.fetch, { now: new Date("2027-01-15T07:00:00Z") })));
  assert.match(before.message, /Either the client was deleted at the IdP/, "before exp: both causes");
});

test("deleteClient: 204 → deleted (1 request); 410 → gone (1 request)", async () => {
  const ok = scripted({ status: 204 });
  assert.equal(await deleteClient(handle(), opts(ok.fetch)), "deleted");
  assert.deepEqual(ok.lines(), ["DELETE /reg/c1"]);
  const gone = scripted({ status: 410 });
  assert.equal(await deleteClient(handle(), opts(gone.fetch)), "gone");
  assert.deepEqual(gone.lines(), ["DELETE /reg/c1"]);
});

for (const confirmation of [{ status: 404 }, { status: 401, body: { error: "invalid_token" } }]) {
  test(`deleteClient: 404 then a GET answering ${confirmation.status} → gone (2 requests)`, async () => {
    const idp = scripted({ status: 404 }, confirmation);
    assert.equal(await deleteClient(handle(), opts(idp.fetch)), "gone");
    assert.deepEqual(idp.lines(), ["DELETE /reg/c1", "GET /reg/c1"]);
    assert.deepEqual(
      idp.seen.map((s) => s.bearer),
      [RAT, RAT],
      "the GET uses the same token",
    );
  });
}

test("deleteClient: 404 while a GET returns the client → ERR_IDP_UNSUPPORTED, nothing orphaned silently", async () => {
  const idp = scripted({ status: 404 }, { status: 200, body: record() });
  const e = await rejects(deleteClient(handle(), opts(idp.fetch)));
  assert.equal(
    e.message,
    "[ERR_IDP_UNSUPPORTED] deleting client c1 at https://idp.example.com/reg/c1: the IdP answered 404 to DELETE although a GET with the same token returns the client, " +
      "so the IdP does not support delete (RFC 7592): delete the client in the IdP admin, then `pulumi state delete <urn>`",
  );
  assert.equal(e.status, 404);
  assert.deepEqual(idp.lines(), ["DELETE /reg/c1", "GET /reg/c1"]);
});

test("deleteClient: 405 → ERR_IDP_UNSUPPORTED with the same advice (1 request)", async () => {
  const idp = scripted({ status: 405 });
  const e = await rejects(deleteClient(handle(), opts(idp.fetch)));
  assert.equal(e.code, "ERR_IDP_UNSUPPORTED");
  assert.match(
    e.message,
    /does not support delete .*delete the client in the IdP admin, then `pulumi state delete <urn>`$/,
  );
  assert.deepEqual(idp.lines(), ["DELETE /reg/c1"]);
});

test("updateClient PATCH: 404 while a GET returns the client → ERR_IDP_UNSUPPORTED: updateMethod PUT or jwksUri", async () => {
  const idp = scripted({ status: 404 }, { status: 200, body: record() });
  const e = await rejects(updateClient(handle(), { client_name: "x" }, "PATCH", opts(idp.fetch)));
  assert.equal(
    e.message,
    "[ERR_IDP_UNSUPPORTED] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 404 to PATCH although a GET with the same token returns the client, " +
      'so the IdP does not support PATCH (RFC 7592): set "updateMethod" to "PUT", or rotate through `jwksUri` mode (the app serves the jwks output; no update is needed)',
  );
  assert.deepEqual(idp.lines(), ["PATCH /reg/c1", "GET /reg/c1"]);
});

test("updateClient PUT: 404 to the PUT while a GET returns the client → ERR_IDP_UNSUPPORTED (3 requests)", async () => {
  const idp = scripted({ status: 200, body: record() }, { status: 404 }, { status: 200, body: record() });
  const e = await rejects(updateClient(handle(), { client_name: "x" }, "PUT", opts(idp.fetch)));
  assert.equal(e.code, "ERR_IDP_UNSUPPORTED");
  assert.match(
    e.message,
    /does not support PUT \(RFC 7592\): set "updateMethod" to "PATCH" if the IdP supports it, or rotate through `jwksUri` mode/,
  );
  assert.deepEqual(idp.lines(), ["GET /reg/c1", "PUT /reg/c1", "GET /reg/c1"]);
});

test("updateClient PUT: 404 to the PUT confirmed by a GET 404 → ERR_CLIENT_GONE", async () => {
  const idp = scripted({ status: 200, body: record() }, { status: 404 }, { status: 404 });
  const e = await rejects(updateClient(handle(), { client_name: "x" }, "PUT", opts(idp.fetch)));
  assert.equal(
    e.message,
    "[ERR_CLIENT_GONE] updating client c1 at https://idp.example.com/reg/c1: the IdP answered 404 to PUT and a GET with the same token confirms it: the client no longer exists at the IdP",
  );
  assert.equal(e.status, 404);
});

test("a registration_client_uri with a query string: GET, PUT and DELETE go to that exact URI", async () => {
  const uri = `${ORIGIN}/connect/register?client_id=c1`;
  const idp = scripted(
    { status: 201, body: record({ registration_access_token: RAT, registration_client_uri: uri }) },
    { status: 200, body: record() },
    { status: 200, body: record() },
    { status: 200, body: record({ client_name: "new" }) },
    { status: 204 },
  );
  const { handle: h } = await register(`${ORIGIN}/connect/register`, { client_name: "bff" }, IAT, opts(idp.fetch));
  assert.equal(h.registrationClientUri, uri);
  await readClient(h, opts(idp.fetch));
  await updateClient(h, { client_name: "new" }, "PUT", opts(idp.fetch));
  assert.equal(await deleteClient(h, opts(idp.fetch)), "deleted");
  assert.deepEqual(idp.lines(), [
    "POST /connect/register",
    "GET /connect/register?client_id=c1",
    "GET /connect/register?client_id=c1",
    "PUT /connect/register?client_id=c1",
    "DELETE /connect/register?client_id=c1",
  ]);
});

test("register: an inline jwks refused on register says to use jwksUri mode", async () => {
  const idp = scripted({
    status: 400,
    body: { error: "invalid_client_metadata", error_description: "jwks: inline keys are not supported" },
  });
  const e = await rejects(register(ENDPOINT, { client_name: "bff", jwks: { keys: [] } }, IAT, opts(idp.fetch)));
  assert.equal(e.code, "ERR_IDP_REJECTED");
  assert.match(e.message, /use `jwksUri` mode instead/);
});
