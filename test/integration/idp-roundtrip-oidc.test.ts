/**
 * Round trips with plain fetch against oidc-provider on loopback: what the real RFC 7591/7592 server does, measured.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { startOidcIdp } from "../support/oidc-idp";
import { call, es256Key, registration, putBody, kidsOf, type Json } from "../support/plain-dcr";

for (const rotate of [true, false]) {
  test(`oidc-provider (rotateRegistrationAccessToken: ${rotate}): register → read → PUT → delete → read fails`, async () => {
    const idp = await startOidcIdp({ rotateRegistrationAccessToken: rotate });
    try {
      const key = await es256Key("k1");
      const created = await call(idp.registrationEndpoint, {
        method: "POST",
        token: idp.initialAccessToken,
        body: registration(key),
      });
      assert.equal(created.status, 201);
      const clientId = created.body.client_id as string;
      const uri = created.body.registration_client_uri as string;
      const rat1 = created.body.registration_access_token as string;
      assert.equal(uri, `${idp.registrationEndpoint}/${clientId}`);
      assert.equal(typeof rat1, "string");
      assert.equal(created.body.client_secret, undefined, "private_key_jwt: no client_secret");
      assert.deepEqual(kidsOf(idp.getClient(clientId)), ["k1"]);

      const read = await call(uri, { token: rat1 });
      assert.equal(read.status, 200);
      assert.equal(read.body.client_name, "bff");
      assert.equal(read.body.registration_access_token, rat1, "GET echoes the RAT it was given");

      assert.equal(
        (await call(uri, { method: "PATCH", token: rat1, body: { client_name: "x" } })).status,
        404,
        "no PATCH route",
      );

      const updated = await call(uri, {
        method: "PUT",
        token: rat1,
        body: putBody(read.body, { client_name: "bff-renamed" }),
      });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.client_name, "bff-renamed");
      assert.deepEqual(
        updated.body.redirect_uris,
        ["https://app.example.com/callback"],
        "read-modify-write keeps the rest",
      );
      const rat2 = updated.body.registration_access_token as string;
      if (rotate) {
        assert.notEqual(rat2, rat1, "rotation on: PUT returns a new RAT");
        const stale = await call(uri, { token: rat1 });
        assert.equal(stale.status, 401);
        assert.equal(stale.body.error, "invalid_token");
      } else {
        assert.equal(rat2, rat1, "rotation off: PUT returns the same RAT");
        assert.equal((await call(uri, { token: rat1 })).status, 200);
      }
      assert.equal((await call(uri, { token: rat2 })).status, 200);

      const deleted = await call(uri, { method: "DELETE", token: rat2 });
      assert.equal(deleted.status, 204);
      assert.equal(idp.getClient(clientId), undefined);
      const gone = await call(uri, { token: rat2 });
      assert.equal(gone.status, 401, "a deleted client reads as 401, not 404");
      assert.equal(gone.body.error, "invalid_token");

      assert.equal(idp.requests.count("POST", "/reg"), 1);
      assert.equal(idp.requests.count("PUT"), 1);
      assert.equal(idp.requests.count("DELETE"), 1);
      assert.equal(idp.requests.count("GET", "/reg/"), 4);
      assert.ok(idp.requests.entries.every((e) => !e.path.includes("?")));
    } finally {
      await idp.close();
    }
  });
}

test("oidc-provider: a missing or wrong initial access token → 401 invalid_token", async () => {
  const idp = await startOidcIdp();
  try {
    const body = registration(await es256Key("k1"));
    for (const token of [undefined, "not-the-iat"]) {
      const res = await call(idp.registrationEndpoint, { method: "POST", token, body });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, "invalid_token");
    }
    assert.deepEqual(
      idp.requests.entries.map((e) => e.status),
      [401, 401],
    );
  } finally {
    await idp.close();
  }
});

test("oidc-provider: a key in jwks authenticates client_credentials; after a PUT replacing jwks only the new key does", async () => {
  const idp = await startOidcIdp();
  try {
    const [keyA, keyB] = [await es256Key("key-a"), await es256Key("key-b")];
    const created = await call(idp.registrationEndpoint, {
      method: "POST",
      token: idp.initialAccessToken,
      body: registration(keyA),
    });
    assert.equal(created.status, 201);
    const clientId = created.body.client_id as string;

    const authA = await idp.clientCredentials(clientId, { privateJwk: keyA.privateJwk, kid: keyA.kid, alg: "ES256" });
    assert.equal(authA.status, 200, JSON.stringify(authA.body));
    assert.equal(typeof authA.body.access_token, "string");
    const authPem = await idp.clientCredentials(clientId, {
      privateKeyPem: keyA.privateKeyPem,
      kid: keyA.kid,
      alg: "ES256",
    });
    assert.equal(authPem.status, 200, "a PKCS#8 PEM works as well as a JWK");

    const read = await call(created.body.registration_client_uri as string, {
      token: created.body.registration_access_token as string,
    });
    const put = await call(created.body.registration_client_uri as string, {
      method: "PUT",
      token: created.body.registration_access_token as string,
      body: putBody(read.body, { jwks: { keys: [keyB.publicJwk] } }),
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(kidsOf(idp.getClient(clientId)), ["key-b"]);

    const oldKey = await idp.clientCredentials(clientId, { privateJwk: keyA.privateJwk, kid: keyA.kid, alg: "ES256" });
    assert.equal(oldKey.status, 401, JSON.stringify(oldKey.body));
    assert.equal(oldKey.body.error, "invalid_client");
    const newKey = await idp.clientCredentials(clientId, {
      privateKeyPem: keyB.privateKeyPem,
      kid: keyB.kid,
      alg: "ES256",
    });
    assert.equal(newKey.status, 200, JSON.stringify(newKey.body));
    assert.equal(idp.requests.count("POST", "/token"), 4);
  } finally {
    await idp.close();
  }
});

test("oidc-provider: RS256, PS256 and EdDSA keys authenticate too, with token_endpoint_auth_signing_alg omitted", async () => {
  const idp = await startOidcIdp();
  try {
    for (const alg of ["RS256", "PS256", "EdDSA"]) {
      const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
      const kid = `kid-${alg}`;
      const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: "sig" };
      const body = registration({ kid, publicJwk, privateJwk: {}, privateKeyPem: "" });
      delete body.token_endpoint_auth_signing_alg;
      const created = await call(idp.registrationEndpoint, { method: "POST", token: idp.initialAccessToken, body });
      assert.equal(created.status, 201, `${alg}: ${JSON.stringify(created.body)}`);
      const auth = await idp.clientCredentials(created.body.client_id as string, {
        privateKeyPem: await jose.exportPKCS8(privateKey),
        kid,
        alg,
      });
      assert.equal(auth.status, 200, `${alg}: ${JSON.stringify(auth.body)}`);
    }
  } finally {
    await idp.close();
  }
});

test("oidc-provider: PUT rules — client_id required, server fields rejected, a failed PUT keeps the RAT, omitted fields reset", async () => {
  const idp = await startOidcIdp({ rotateRegistrationAccessToken: true });
  try {
    const created = await call(idp.registrationEndpoint, {
      method: "POST",
      token: idp.initialAccessToken,
      body: registration(await es256Key("k1"), { contacts: ["ops@example.com"] }),
    });
    const uri = created.body.registration_client_uri as string;
    const rat = created.body.registration_access_token as string;
    const current = (await call(uri, { token: rat })).body;

    const noClientId = putBody(current, {});
    delete noClientId.client_id;
    const missing = await call(uri, { method: "PUT", token: rat, body: noClientId });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, "invalid_request");

    for (const field of [
      "registration_access_token",
      "registration_client_uri",
      "client_id_issued_at",
      "client_secret_expires_at",
    ]) {
      const res = await call(uri, {
        method: "PUT",
        token: rat,
        body: { ...putBody(current, {}), [field]: current[field] ?? 0 },
      });
      assert.equal(res.status, 400, field);
      assert.equal(res.body.error, "invalid_request", field);
      assert.match(String(res.body.error_description), new RegExp(field));
    }
    assert.equal((await call(uri, { token: rat })).status, 200, "failed PUTs did not rotate the RAT");

    const minimal = putBody(current, {});
    delete minimal.contacts;
    delete minimal.client_name;
    const replaced = await call(uri, { method: "PUT", token: rat, body: minimal });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.contacts, undefined, "PUT is full replacement: an omitted field is gone");
    assert.equal(replaced.body.client_name, undefined);
  } finally {
    await idp.close();
  }
});

test("oidc-provider: invalid metadata errors, and another client's RAT at this URI destroys that RAT", async () => {
  const idp = await startOidcIdp();
  try {
    const key = await es256Key("k1");
    const post = (body: Json) =>
      call(idp.registrationEndpoint, { method: "POST", token: idp.initialAccessToken, body });
    const fragment = await post(registration(key, { redirect_uris: ["https://app.example.com/cb#frag"] }));
    assert.equal(fragment.status, 400);
    assert.equal(fragment.body.error, "invalid_redirect_uri");
    const both = await post(registration(key, { jwks_uri: "https://app.example.com/jwks.json" }));
    assert.equal(both.status, 400);
    assert.equal(both.body.error, "invalid_client_metadata");
    const privateKey = await post(registration(key, { jwks: { keys: [key.privateJwk] } }));
    assert.equal(privateKey.status, 400);
    assert.equal(privateKey.body.error, "invalid_client_metadata");
    const noKeys = await post(registration(key, { jwks: undefined }));
    assert.equal(noKeys.status, 400);
    assert.equal(noKeys.body.error, "invalid_client_metadata");

    const a = (await post(registration(key))).body;
    const b = (await post(registration(key))).body;
    const crossed = await call(a.registration_client_uri as string, { token: b.registration_access_token as string });
    assert.equal(crossed.status, 401);
    assert.equal(
      (await call(b.registration_client_uri as string, { token: b.registration_access_token as string })).status,
      401,
      "B's RAT is destroyed",
    );
  } finally {
    await idp.close();
  }
});

test("oidc-provider: discovery, and out-of-band getClient / mutateClient / deleteClient", async () => {
  const idp = await startOidcIdp();
  try {
    const discovery = await call(`${idp.issuer}/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    assert.equal(discovery.body.issuer, idp.issuer);
    assert.equal(discovery.body.registration_endpoint, idp.registrationEndpoint);
    assert.equal(discovery.body.token_endpoint, idp.tokenEndpoint);

    const key = await es256Key("k1");
    const created = (
      await call(idp.registrationEndpoint, { method: "POST", token: idp.initialAccessToken, body: registration(key) })
    ).body;
    const clientId = created.client_id as string;
    const uri = created.registration_client_uri as string;
    const rat = created.registration_access_token as string;

    const record = idp.getClient(clientId) as Json;
    assert.equal(record.registration_access_token, undefined, "the stored record holds no RAT");
    record.client_name = "changed locally";
    assert.equal(idp.getClient(clientId)?.client_name, "bff", "getClient returns a copy");

    idp.mutateClient(clientId, (r) => {
      r.redirect_uris = ["https://drift.example.com/cb"];
    });
    const drifted = await call(uri, { token: rat });
    assert.equal(drifted.status, 200);
    assert.deepEqual(drifted.body.redirect_uris, ["https://drift.example.com/cb"]);

    idp.deleteClient(clientId);
    assert.equal(idp.getClient(clientId), undefined);
    const gone = await call(uri, { token: rat });
    assert.equal(gone.status, 401);
    assert.equal(gone.body.error, "invalid_token");
  } finally {
    await idp.close();
  }
});
