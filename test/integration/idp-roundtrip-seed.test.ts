/**
 * Round trips with plain fetch against the seed-style IdP fixture: its PATCH dialect, admin endpoints and test controls.
 */
import test from "node:test";
import assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { call, es256Key, putBody, kidsOf, registerWithIat, type Json } from "../support/plain-dcr";

test("seed: register → read → PATCH → delete → read fails; PATCH leaves unsent fields alone; PUT is 405", async () => {
  const idp = await startSeedIdp();
  try {
    const key = await es256Key("bff-sig-001");
    const created = await call(idp.registrationEndpoint, {
      method: "POST",
      token: idp.initialAccessToken,
      body: {
        client_name: "bff",
        contacts: ["ops@example.com"],
        redirect_uris: ["https://bff.example.com/auth/callback"],
        jwks: { keys: [key.publicJwk] },
      },
    });
    assert.equal(created.status, 201);
    const clientId = created.body.client_id as string;
    const uri = created.body.registration_client_uri as string;
    const rat = created.body.registration_access_token as string;
    assert.equal(uri, `${idp.registrationEndpoint}/${encodeURIComponent(clientId)}`);
    assert.equal(typeof created.body.client_id_issued_at, "number");
    assert.equal(idp.currentRat(clientId), rat);
    assert.deepEqual(idp.clientIds(), [clientId]);

    const read = await call(uri, { token: rat });
    assert.equal(read.status, 200);
    assert.equal(read.body.registration_access_token, undefined, "GET does not return the RAT");
    assert.equal(read.body.registration_client_uri, uri);
    assert.deepEqual(kidsOf(read.body), ["bff-sig-001"]);

    const patched = await call(uri, {
      method: "PATCH",
      token: rat,
      body: { redirect_uris: ["https://bff.example.com/auth/callback", "https://bff2.example.com/cb"] },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.redirect_uris, [
      "https://bff.example.com/auth/callback",
      "https://bff2.example.com/cb",
    ]);
    assert.equal(patched.body.client_name, "bff", "unsent field untouched");
    assert.deepEqual(patched.body.contacts, ["ops@example.com"]);
    assert.deepEqual(kidsOf(patched.body), ["bff-sig-001"]);
    assert.equal(patched.body.registration_access_token, undefined, "no rotation by default");
    assert.equal((await call(uri, { token: rat })).status, 200, "the RAT still works");

    const put = await call(uri, { method: "PUT", token: rat, body: putBody(read.body, {}) });
    assert.equal(put.status, 405);
    assert.equal(put.body.error, "unsupported_method");

    assert.equal((await call(uri, { method: "DELETE", token: rat })).status, 204);
    const gone = await call(uri, { token: rat });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error, "not_found");
    assert.equal(idp.getClient(clientId), undefined);
    assert.deepEqual(
      idp.requests.entries.map((e) => `${e.method} ${e.status}`),
      ["POST 201", "GET 200", "PATCH 200", "GET 200", "PUT 405", "DELETE 204", "GET 404"],
    );
    assert.equal(idp.requests.count("GET", "/api/oidc/register/"), 3);
    assert.equal(idp.requests.entries[0]?.authorization, `Bearer ${idp.initialAccessToken}`);
  } finally {
    await idp.close();
  }
});

test("seed: rotateRatOnUpdate — PATCH returns a new RAT and the old one dies", async () => {
  const idp = await startSeedIdp({ rotateRatOnUpdate: true });
  try {
    const { uri, rat: rat1 } = await registerWithIat(idp, { client_name: "a" });
    const patched = await call(uri, { method: "PATCH", token: rat1, body: { client_name: "b" } });
    assert.equal(patched.status, 200);
    const rat2 = patched.body.registration_access_token as string;
    assert.notEqual(rat2, rat1);
    assert.equal((await call(uri, { token: rat1 })).status, 401);
    assert.equal((await call(uri, { token: rat2 })).status, 200);
  } finally {
    await idp.close();
  }
});

test("seed: desired client_id honoured (409 when taken), profile defaults applied, validation errors", async () => {
  const idp = await startSeedIdp();
  try {
    const post = (body: Json) =>
      call(idp.registrationEndpoint, { method: "POST", token: idp.initialAccessToken, body });
    const key = await es256Key("k1");
    const created = await post({
      client_id: "bff server/1",
      profile: "code-flow-pkjwt",
      jwks: { keys: [key.publicJwk] },
      grant_types: ["client_credentials"],
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.client_id, "bff server/1");
    assert.equal(created.body.registration_client_uri, `${idp.registrationEndpoint}/bff%20server%2F1`);
    assert.deepEqual(created.body.response_types, ["code"]);
    assert.equal(created.body.token_endpoint_auth_method, "private_key_jwt");
    assert.deepEqual(created.body.grant_types, ["client_credentials"], "a sent field beats the profile default");
    assert.equal(created.body.client_secret, undefined);
    assert.equal(
      (
        await call(created.body.registration_client_uri as string, {
          token: created.body.registration_access_token as string,
        })
      ).status,
      200,
    );

    const profiled = await post({ profile: "code-flow-pkjwt", jwks: { keys: [key.publicJwk] } });
    assert.deepEqual(profiled.body.grant_types, ["authorization_code", "refresh_token"]);

    const taken = await post({ client_id: "bff server/1" });
    assert.equal(taken.status, 409);
    assert.deepEqual(taken.body, {
      error: "invalid_client_metadata",
      error_description: "client_id already registered",
    });

    const cases: [Json, string][] = [
      [{ redirect_uris: ["/relative/cb"] }, "invalid_redirect_uri"],
      [{ redirect_uris: ["https://app.example.com/cb#x"] }, "invalid_redirect_uri"],
      [{ jwks: { keys: [key.privateJwk] } }, "invalid_client_metadata"],
      [{ jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }, "invalid_client_metadata"],
      [{ jwks: { keys: [key.publicJwk] }, jwks_uri: "https://app.example.com/jwks.json" }, "invalid_client_metadata"],
      [{ profile: "no-such-profile" }, "invalid_client_metadata"],
    ];
    for (const [body, error] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, error, JSON.stringify(body));
      assert.equal(typeof res.body.error_description, "string");
    }
    // PATCH validates the merged record the same way.
    const uri = created.body.registration_client_uri as string;
    const rat = created.body.registration_access_token as string;
    const bad = await call(uri, {
      method: "PATCH",
      token: rat,
      body: { jwks_uri: "https://app.example.com/jwks.json" },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, "invalid_client_metadata");
    const swapped = await call(uri, {
      method: "PATCH",
      token: rat,
      body: { jwks: null, jwks_uri: "https://app.example.com/jwks.json" },
    });
    assert.equal(swapped.status, 200, "null removes a field");
    assert.equal(swapped.body.jwks, undefined);
    assert.equal(idp.clientIds().length, 2);
  } finally {
    await idp.close();
  }
});

test("seed: IATs — missing/invalid → 401, iatUses caps registrations, admin mints new ones", async () => {
  const idp = await startSeedIdp({ iatUses: 1 });
  try {
    for (const token of [undefined, "nope"]) {
      const res = await call(idp.registrationEndpoint, { method: "POST", token, body: { client_name: "x" } });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, "invalid_token");
    }
    assert.equal(
      (await call(idp.registrationEndpoint, { method: "POST", token: idp.initialAccessToken, body: {} })).status,
      201,
    );
    assert.equal(
      (await call(idp.registrationEndpoint, { method: "POST", token: idp.initialAccessToken, body: {} })).status,
      401,
      "used up",
    );

    const adminPath = `${idp.baseUrl}/api/admin/dcr/initial-access-tokens`;
    assert.equal((await call(adminPath, { method: "POST", token: "wrong" })).status, 401);
    const minted = await call(adminPath, { method: "POST", token: idp.adminToken, body: { uses: 2, expires_in: 600 } });
    assert.equal(minted.status, 201);
    assert.equal(typeof minted.body.initial_access_token, "string");
    assert.ok((minted.body.expires_at as number) > Date.now() / 1000);
    const iat = minted.body.initial_access_token as string;
    assert.equal((await call(idp.registrationEndpoint, { method: "POST", token: iat, body: {} })).status, 201);
    assert.equal((await call(idp.registrationEndpoint, { method: "POST", token: iat, body: {} })).status, 201);
    assert.equal((await call(idp.registrationEndpoint, { method: "POST", token: iat, body: {} })).status, 401);

    const discovery = await call(`${idp.baseUrl}/.well-known/openid-configuration`);
    assert.deepEqual(discovery.body, { issuer: idp.baseUrl, registration_endpoint: idp.registrationEndpoint });
  } finally {
    await idp.close();
  }
});

test("seed: admin RAT renewal kills the old RAT; expireRat → 401; unknown clients → 404 or 401", async () => {
  const idp = await startSeedIdp();
  try {
    const { uri, rat: rat1 } = await registerWithIat(idp, { client_id: "bff-server" });
    const renewPath = (id: string) => `${idp.baseUrl}/api/admin/dcr/clients/${encodeURIComponent(id)}/tokens`;

    assert.equal((await call(renewPath("bff-server"), { method: "POST", token: "wrong" })).status, 401);
    const renewed = await call(renewPath("bff-server"), { method: "POST", token: idp.adminToken });
    assert.equal(renewed.status, 201);
    assert.equal(renewed.body.client_id, "bff-server");
    const rat2 = renewed.body.registration_access_token as string;
    assert.equal(idp.currentRat("bff-server"), rat2);
    const stale = await call(uri, { method: "PATCH", token: rat1, body: { client_name: "x" } });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.error, "invalid_token");
    assert.match(stale.headers.get("www-authenticate") ?? "", /^Bearer error="invalid_token"/);
    assert.equal((await call(uri, { method: "PATCH", token: rat2, body: { client_name: "x" } })).status, 200);
    const unknown = await call(renewPath("nobody"), { method: "POST", token: idp.adminToken });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, "not_found");

    idp.expireRat("bff-server");
    assert.equal(idp.currentRat("bff-server"), undefined);
    assert.equal((await call(uri, { token: rat2 })).status, 401);
    assert.equal((await call(`${idp.registrationEndpoint}/nobody`, { token: rat2 })).status, 404);
  } finally {
    await idp.close();
  }
  const strict = await startSeedIdp({ unknownClientStatus: 401 });
  try {
    const res = await call(`${strict.registrationEndpoint}/nobody`, { token: "anything" });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, "invalid_token");
  } finally {
    await strict.close();
  }
});

test("seed: failNext injects 503 and 429 + Retry-After, matched by method and path; every request is counted", async () => {
  const idp = await startSeedIdp();
  try {
    const created = (
      await call(idp.registrationEndpoint, {
        method: "POST",
        token: idp.initialAccessToken,
        body: { client_name: "a" },
      })
    ).body;
    const uri = created.registration_client_uri as string;
    const rat = created.registration_access_token as string;
    idp.requests.reset();

    idp.failNext({ status: 503, method: "GET", pathPrefix: "/api/oidc/register/" });
    idp.failNext({ status: 429, count: 2, method: "PATCH", retryAfter: "3" });
    const unavailable = await call(uri, { token: rat });
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.body.error, "temporarily_unavailable");
    assert.equal((await call(uri, { token: rat })).status, 200, "one failure only");

    for (let i = 0; i < 2; i++) {
      const limited = await call(uri, { method: "PATCH", token: rat, body: { client_name: "b" } });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get("retry-after"), "3");
    }
    assert.equal(idp.getClient(created.client_id as string)?.client_name, "a", "an injected failure is not processed");
    assert.equal((await call(uri, { method: "PATCH", token: rat, body: { client_name: "b" } })).status, 200);

    idp.failNext({ status: 502, body: "<html>bad gateway</html>", contentType: "text/html" });
    const html = await fetch(uri, { headers: { authorization: `Bearer ${rat}` } });
    assert.equal(html.status, 502);
    assert.equal(html.headers.get("content-type"), "text/html");
    assert.equal(await html.text(), "<html>bad gateway</html>");

    assert.deepEqual(
      idp.requests.entries.map((e) => `${e.method} ${e.status}`),
      ["GET 503", "GET 200", "PATCH 429", "PATCH 429", "PATCH 200", "GET 502"],
    );
    assert.equal(idp.requests.count("patch"), 3);
    assert.equal(idp.requests.count(undefined, "/api/admin/"), 0);
  } finally {
    await idp.close();
  }
});

test("seed: setDelay slows every answer; close() ends a request still waiting; out-of-band edits", async () => {
  const idp = await startSeedIdp();
  try {
    const created = (
      await call(idp.registrationEndpoint, {
        method: "POST",
        token: idp.initialAccessToken,
        body: { client_id: "bff-server", client_name: "a" },
      })
    ).body;
    const uri = created.registration_client_uri as string;
    const rat = created.registration_access_token as string;

    idp.mutateClient("bff-server", (r) => {
      r.client_name = "changed out of band";
    });
    assert.equal((await call(uri, { token: rat })).body.client_name, "changed out of band");

    idp.setDelay(150);
    const started = performance.now();
    assert.equal((await call(uri, { token: rat })).status, 200);
    assert.ok(performance.now() - started >= 140, "the answer waited for the delay");

    idp.setDelay(60_000);
    await assert.rejects(
      call(uri, { method: "PATCH", token: rat, body: { client_name: "late" }, signal: AbortSignal.timeout(100) }),
      { name: "TimeoutError" },
    );
    assert.equal(idp.getClient("bff-server")?.client_name, "late", "the request took effect; only the answer was late");

    idp.deleteClient("bff-server");
    assert.deepEqual(idp.clientIds(), []);
    assert.equal(idp.pendingDelays(), 1, "the abandoned PATCH's answer is still held back");
  } finally {
    await idp.close();
  }
  assert.equal(idp.pendingDelays(), 0, "close() ended the answer still waiting for the delay");
  assert.equal(idp.requests.count("PATCH"), 1, "the abandoned request is logged");
});

test("seed: bodies over 5 MB → 413; malformed JSON → 400; unknown route → 404", async () => {
  const idp = await startSeedIdp();
  try {
    const big = await call(idp.registrationEndpoint, {
      method: "POST",
      token: idp.initialAccessToken,
      body: { client_name: "x".repeat(6 * 1024 * 1024) },
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.error, "invalid_request");
    const res = await fetch(idp.registrationEndpoint, {
      method: "POST",
      headers: { authorization: `Bearer ${idp.initialAccessToken}`, "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Json).error, "invalid_request");
    const nowhere = await call(`${idp.baseUrl}/nowhere`);
    assert.equal(nowhere.status, 404);
    assert.deepEqual(Object.keys(nowhere.body), ["error", "error_description"]);
    assert.deepEqual(idp.clientIds(), []);
  } finally {
    await idp.close();
  }
});
