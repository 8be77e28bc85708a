/**
 * The seed-style fixture's switches that bend RFC 7591/7592 the way some real servers do, each
 * proven with plain fetch (no pulumi-dcr code): a refused token answered 400, management that
 * reads but does not write, JWT RATs that expire on the fixture's clock, a registration_client_uri
 * with a query string, inline jwks refused, and broken or hostile registration answers.
 */
import test from "node:test";
import assert from "node:assert/strict";
import { startSeedIdp, type SeedIdp, type SeedIdpOptions } from "../support/seed-idp";
import { HOSTILE_DEPTH } from "../support/seed-idp-bends";
import { call, es256Key, parseBody, registerWithIat, type Json } from "../support/plain-dcr";

const REDIRECT = "https://bff.example.com/auth/callback";

async function withSeed(options: SeedIdpOptions, fn: (idp: SeedIdp) => Promise<void>): Promise<void> {
  const idp = await startSeedIdp(options);
  try {
    await fn(idp);
  } finally {
    await idp.close();
  }
}

/** Registers a client with the fixture's IAT; returns its id, URI and RAT. */
function registered(idp: SeedIdp, body: Json = { redirect_uris: [REDIRECT] }) {
  return registerWithIat(idp, body);
}

/** A registration with the fixture's IAT, answered raw (its body may not be JSON). */
function registerRaw(idp: SeedIdp): Promise<Response> {
  return fetch(idp.registrationEndpoint, {
    method: "POST",
    headers: { authorization: `Bearer ${idp.initialAccessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ redirect_uris: [REDIRECT] }),
  });
}

/** The JSON payload of a JWT, decoded without verifying. */
function jwtPayload(token: string): Json {
  const parts = token.split(".");
  assert.equal(parts.length, 3, "header.payload.signature");
  for (const part of parts) assert.match(part, /^[A-Za-z0-9_-]+$/, "base64url, unpadded");
  return JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8")) as Json;
}

for (const error of ["access_denied", "invalid_token"] as const) {
  test(`refusedTokenAs400 "${error}": a refused RAT or IAT is 400 {error: ${error}}, not 401`, async () => {
    await withSeed({ refusedTokenAs400: error }, async (idp) => {
      const { id, uri, rat } = await registered(idp);
      assert.equal((await call(uri, { token: rat })).status, 200, "the live RAT works");
      idp.revokeRat(id);
      for (const method of ["GET", "PATCH", "DELETE"]) {
        const refused = await call(uri, { method, token: rat, body: method === "PATCH" ? {} : undefined });
        assert.equal(refused.status, 400, method);
        assert.equal(refused.body.error, error, method);
        assert.equal(refused.headers.get("www-authenticate"), null, `${method}: no Bearer challenge`);
      }
      const iat = await call(idp.registrationEndpoint, { method: "POST", token: "wrong-iat", body: {} });
      assert.equal(iat.status, 400);
      assert.equal(iat.body.error, error);
      // The admin API still renews the RAT, and the new one works.
      const renewed = await call(`${idp.baseUrl}/api/admin/dcr/clients/${id}/tokens`, {
        method: "POST",
        token: idp.adminToken,
      });
      assert.equal(renewed.status, 201);
      assert.equal((await call(uri, { token: renewed.body.registration_access_token as string })).status, 200);
    });
  });
}

test("without refusedTokenAs400 a refused RAT is 401 invalid_token with a Bearer challenge", async () => {
  await withSeed({}, async (idp) => {
    const { id, uri, rat } = await registered(idp);
    idp.revokeRat(id);
    const refused = await call(uri, { token: rat });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, "invalid_token");
    assert.match(refused.headers.get("www-authenticate") ?? "", /^Bearer error="invalid_token"/);
  });
});

for (const status of [404, 405] as const) {
  test(`readOnlyManagement ${status}: GET works, PUT/PATCH/DELETE answer ${status} and change nothing`, async () => {
    await withSeed({ readOnlyManagement: status }, async (idp) => {
      const { id, uri, rat } = await registered(idp);
      for (const method of ["PATCH", "PUT", "DELETE"]) {
        const body = method === "DELETE" ? undefined : { redirect_uris: ["https://other.example.com/cb"] };
        const answer = await call(uri, { method, token: rat, body });
        assert.equal(answer.status, status, method);
        if (status === 405) assert.equal(answer.headers.get("allow"), "GET", method);
      }
      const read = await call(uri, { token: rat });
      assert.equal(read.status, 200, "GET with the same RAT still returns the client");
      assert.deepEqual(read.body.redirect_uris, [REDIRECT], "no update took effect");
      assert.deepEqual(idp.clientIds(), [id], "the client was not deleted");
    });
  });
}

test("jwtRatTtlSeconds: RATs are HS256 JWTs expiring on the fixture's clock, refused 401 after advanceClock", async () => {
  await withSeed({ jwtRatTtlSeconds: 600 }, async (idp) => {
    const before = Math.floor(idp.now().getTime() / 1000);
    const { id, uri, rat } = await registered(idp);
    const header = JSON.parse(Buffer.from(rat.split(".")[0] as string, "base64url").toString("utf8")) as Json;
    assert.deepEqual(header, { alg: "HS256", typ: "JWT" });
    const payload = jwtPayload(rat);
    assert.equal(payload.sub, id);
    assert.ok((payload.iat as number) >= before, "issued now");
    assert.equal(payload.exp, (payload.iat as number) + 600, "exp = issue time + ttl");
    assert.equal(idp.ratExpiresAt(id)?.getTime(), (payload.exp as number) * 1000);
    // A PATCH does not renew it: no new RAT in the answer, the same exp holds.
    const patched = await call(uri, { method: "PATCH", token: rat, body: { client_name: "x" } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.registration_access_token, undefined);
    idp.advanceClock(599);
    assert.equal((await call(uri, { token: rat })).status, 200, "still valid one second before exp");
    idp.advanceClock(2);
    const expired = await call(uri, { token: rat });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error, "invalid_token");
    assert.match(String(expired.body.error_description), /expired/);
    assert.ok(idp.now().getTime() >= Date.now() + 600_000, "the fixture's clock ran ahead");
    // The admin API issues a fresh JWT counted from the fixture's (advanced) clock.
    const renewed = await call(`${idp.baseUrl}/api/admin/dcr/clients/${id}/tokens`, {
      method: "POST",
      token: idp.adminToken,
    });
    const fresh = renewed.body.registration_access_token as string;
    assert.ok((jwtPayload(fresh).exp as number) > (payload.exp as number) + 600);
    assert.equal((await call(uri, { token: fresh })).status, 200);
  });
});

test("queryClientUri: registration_client_uri carries ?client_id=, GET/PATCH/DELETE are served there only", async () => {
  await withSeed({ queryClientUri: true, chooseClientId: () => "bff client/1" }, async (idp) => {
    const { id, uri, rat } = await registered(idp);
    assert.equal(id, "bff client/1");
    assert.equal(uri, `${idp.registrationEndpoint}?client_id=bff%20client%2F1`);
    const read = await call(uri, { token: rat });
    assert.equal(read.status, 200);
    assert.equal(read.body.client_id, id);
    assert.equal(read.body.registration_client_uri, uri);
    const pathForm = `${idp.registrationEndpoint}/${encodeURIComponent(id)}`;
    assert.equal((await call(pathForm, { token: rat })).status, 404, "the path form is not served");
    const patched = await call(uri, { method: "PATCH", token: rat, body: { redirect_uris: ["https://b.example/cb"] } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.redirect_uris, ["https://b.example/cb"]);
    assert.equal((await call(idp.registrationEndpoint, { token: rat })).status, 405, "no client_id: not a client URI");
    assert.equal((await call(uri, { method: "DELETE", token: rat })).status, 204);
    assert.deepEqual(idp.clientIds(), []);
    assert.deepEqual(
      idp.requests.entries.map((e) => `${e.method} ${e.path}`),
      [
        "POST /api/oidc/register",
        "GET /api/oidc/register",
        "GET /api/oidc/register/bff%20client%2F1",
        "PATCH /api/oidc/register",
        "GET /api/oidc/register",
        "DELETE /api/oidc/register",
      ],
      "the query URI's path is the registration endpoint's",
    );
  });
});

test("refuseInlineJwks: register or PATCH with jwks → 400 naming jwks_uri; jwks_uri is accepted", async () => {
  await withSeed({ refuseInlineJwks: true }, async (idp) => {
    const key = await es256Key("k1");
    const inline = await call(idp.registrationEndpoint, {
      method: "POST",
      token: idp.initialAccessToken,
      body: { redirect_uris: [REDIRECT], jwks: { keys: [key.publicJwk] } },
    });
    assert.equal(inline.status, 400);
    assert.equal(inline.body.error, "invalid_client_metadata");
    assert.equal(inline.body.error_description, "jwks is not supported, use jwks_uri");
    assert.deepEqual(idp.clientIds(), [], "nothing registered");
    const { id, uri, rat } = await registered(idp, { redirect_uris: [REDIRECT], jwks_uri: "https://bff.example/jwks" });
    const patch = await call(uri, { method: "PATCH", token: rat, body: { jwks: { keys: [key.publicJwk] } } });
    assert.equal(patch.status, 400);
    assert.equal(patch.body.error_description, "jwks is not supported, use jwks_uri");
    const moved = await call(uri, { method: "PATCH", token: rat, body: { jwks_uri: "https://bff.example/jwks2" } });
    assert.equal(moved.status, 200);
    assert.equal(idp.getClient(id)?.jwks_uri, "https://bff.example/jwks2");
    assert.equal(idp.getClient(id)?.jwks, undefined);
  });
});

test('hostileRegistration "not-json": 201 application/json, a single-quoted dict holding the RAT; the client exists', async () => {
  await withSeed({ hostileRegistration: "not-json" }, async (idp) => {
    const res = await registerRaw(idp);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("content-type"), "application/json");
    const text = await res.text();
    assert.throws(() => JSON.parse(text), SyntaxError);
    const [id] = idp.clientIds();
    assert.ok(id !== undefined, "the client was registered");
    const rat = idp.currentRat(id) as string;
    assert.ok(text.startsWith(`{'client_id': '${id}', 'registration_access_token': '${rat}', `), text);
    assert.equal((await call(`${idp.registrationEndpoint}/${id}`, { token: rat })).status, 200, "and it works");
  });
});

test('hostileRegistration "deep": a valid 201 plus a member nested 10,000 deep; GET is normal', async () => {
  await withSeed({ hostileRegistration: "deep" }, async (idp) => {
    const res = await registerRaw(idp);
    assert.equal(res.status, 201);
    const text = await res.text();
    const body = JSON.parse(text) as Json; // JSON.parse itself copes with the depth
    assert.equal(typeof body.client_id, "string");
    assert.equal(body.registration_access_token, idp.currentRat(body.client_id as string));
    assert.equal(body.registration_client_uri, `${idp.registrationEndpoint}/${body.client_id as string}`);
    let depth = 0;
    for (let node: unknown = body.x_extensions; typeof node === "object" && node !== null; depth++) {
      node = (node as Json).a;
    }
    assert.equal(depth, HOSTILE_DEPTH);
    const read = await call(body.registration_client_uri as string, {
      token: body.registration_access_token as string,
    });
    assert.equal(read.status, 200);
    assert.equal(read.body.x_extensions, undefined, "only the registration answer is bent");
  });
});

test("chooseClientId: the IdP may choose a client_id with CR/LF in it, served at its encoded URI", async () => {
  const forged = "client-1\r\nwarning: forged";
  await withSeed({ chooseClientId: () => forged }, async (idp) => {
    const res = await registerRaw(idp);
    assert.equal(res.status, 201);
    const body = parseBody(await res.text());
    assert.equal(body.client_id, forged);
    assert.equal(body.registration_client_uri, `${idp.registrationEndpoint}/client-1%0D%0Awarning%3A%20forged`);
    const read = await call(body.registration_client_uri as string, {
      token: body.registration_access_token as string,
    });
    assert.equal(read.status, 200);
    assert.equal(read.body.client_id, forged);
    // A desired client_id is still honoured.
    const named = await call(idp.registrationEndpoint, {
      method: "POST",
      token: idp.initialAccessToken,
      body: { client_id: "bff-server" },
    });
    assert.equal(named.body.client_id, "bff-server");
  });
});
