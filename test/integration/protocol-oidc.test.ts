/**
 * The protocol layer against a real oidc-provider (RFC 7592 with PUT), RAT rotation on and off:
 * lifecycle, read-modify-write keeping foreign settings, rotated tokens captured, keys that
 * really authenticate, request counts, and a client deleted behind our back.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startOidcIdp, type OidcIdp } from "../support/oidc-idp";
import {
  deleteClient,
  discoverRegistrationEndpoint,
  readClient,
  register,
  updateClient,
} from "../../provider/protocol/registration";
import type { ClientHandle } from "../../provider/protocol/types";
import {
  clientMetadata,
  es256Key,
  FAST,
  handleSecrets,
  kidsOf,
  rejection,
  trackSecrets,
  type Json,
} from "./protocol-support";

async function withOidc(rotate: boolean, fn: (idp: OidcIdp) => Promise<void>): Promise<void> {
  const idp = await startOidcIdp({ rotateRegistrationAccessToken: rotate });
  trackSecrets(idp.initialAccessToken);
  try {
    await fn(idp);
  } finally {
    await idp.close();
  }
}

const auth = (idp: OidcIdp, clientId: string, key: { kid: string; privateJwk: Json }) =>
  idp.clientCredentials(clientId, { privateJwk: key.privateJwk, kid: key.kid, alg: "ES256" });

for (const rotate of [true, false]) {
  test(`oidc-provider (rotation ${rotate ? "on" : "off"}): discover → register → read → PUT ×2 → delete, with request counts`, async () => {
    await withOidc(rotate, async (idp) => {
      const [keyA, keyB] = [await es256Key("key-a"), await es256Key("key-b")];

      const endpoint = await discoverRegistrationEndpoint(idp.issuer, FAST);
      assert.equal(endpoint, idp.registrationEndpoint);
      assert.equal(await discoverRegistrationEndpoint(`${idp.issuer}/`, FAST), endpoint, "cached per issuer");
      assert.equal(idp.requests.count("GET", "/.well-known/openid-configuration"), 1, "one discovery request");

      idp.requests.reset();
      const created = await register(endpoint, clientMetadata([keyA]), idp.initialAccessToken, FAST);
      assert.equal(idp.requests.count(), 1);
      assert.equal(idp.requests.count("POST", "/reg"), 1);
      const handle = created.handle;
      trackSecrets(handle);
      const issuedRats = [handle.registrationAccessToken];
      assert.equal(handle.registrationClientUri, `${idp.registrationEndpoint}/${handle.clientId}`);
      assert.equal(handle.clientSecret, undefined, "private_key_jwt: no secret");
      assert.equal(created.metadata.client_name, "bff", "metadata echoed");
      assert.deepEqual(created.metadata.contacts, ["ops@example.com"]);
      assert.deepEqual(kidsOf(created.metadata), ["key-a"]);
      for (const m of ["registration_access_token", "registration_client_uri", "client_secret"])
        assert.ok(!(m in created.metadata), m);
      assert.equal((await auth(idp, handle.clientId, keyA)).status, 200, "the registered key authenticates");

      idp.requests.reset();
      const read = await readClient(handle, FAST);
      assert.equal(read.handle, handle, "the caller's handle is the record's");
      assert.deepEqual(read.metadata.redirect_uris, ["https://app.example.com/callback"]);
      assert.equal(idp.requests.count(), 1);
      assert.equal(idp.requests.count("GET", "/reg/"), 1);

      // PUT #1: change only redirect_uris and the keys; client_name and contacts must survive.
      idp.requests.reset();
      const before = handle.registrationAccessToken;
      const updated = await updateClient(
        handle,
        { redirect_uris: ["https://app.example.com/cb2"], jwks: { keys: [keyB.publicJwk] } },
        "PUT",
        FAST,
      );
      assert.deepEqual(
        idp.requests.entries.map((e) => `${e.method} ${e.status}`),
        ["GET 200", "PUT 200"],
      );
      assert.deepEqual(updated.metadata.redirect_uris, ["https://app.example.com/cb2"]);
      assert.equal(updated.metadata.client_name, "bff", "a setting we do not own survives the PUT");
      assert.deepEqual(updated.metadata.contacts, ["ops@example.com"]);
      assert.equal(idp.getClient(handle.clientId)?.client_name, "bff");
      if (rotate) assert.notEqual(handle.registrationAccessToken, before, "the rotated RAT was captured");
      else assert.equal(handle.registrationAccessToken, before);
      issuedRats.push(handle.registrationAccessToken);

      assert.equal(
        (await auth(idp, handle.clientId, keyB)).status,
        200,
        "the key published by updateClient authenticates",
      );
      const removed = await auth(idp, handle.clientId, keyA);
      assert.equal(removed.status, 401, "the removed key no longer does");
      assert.equal(removed.body.error, "invalid_client");

      // PUT #2 right after: works only if the handle holds the live RAT.
      idp.requests.reset();
      await updateClient(handle, { redirect_uris: ["https://app.example.com/cb3"] }, "PUT", FAST);
      assert.equal(idp.requests.count("GET"), 1);
      assert.equal(idp.requests.count("PUT"), 1);
      issuedRats.push(handle.registrationAccessToken);
      if (rotate) {
        assert.equal(new Set(issuedRats).size, 3, "every PUT rotated the RAT");
        trackSecrets(...issuedRats);
        const stale: ClientHandle = { ...handle, registrationAccessToken: issuedRats[0] as string };
        await rejection(readClient(stale, FAST), "ERR_RAT_INVALID", [/deleted/, /revoked or expired/], issuedRats);
      }
      assert.deepEqual((await readClient(handle, FAST)).metadata.redirect_uris, ["https://app.example.com/cb3"]);

      idp.requests.reset();
      assert.equal(await deleteClient(handle, FAST), "deleted");
      assert.deepEqual(
        idp.requests.entries.map((e) => `${e.method} ${e.status}`),
        ["DELETE 204"],
      );
      assert.equal(idp.getClient(handle.clientId), undefined);
    });
  });
}

test("oidc-provider: a client deleted out of band reads as 401 → ERR_RAT_INVALID naming both causes; never re-registered", async () => {
  await withOidc(true, async (idp) => {
    const { handle } = await register(
      idp.registrationEndpoint,
      clientMetadata([await es256Key("k1")]),
      idp.initialAccessToken,
      FAST,
    );
    idp.deleteClient(handle.clientId);
    idp.requests.reset();
    const secrets = [idp.initialAccessToken, ...handleSecrets(handle)];
    const e = await rejection(
      readClient(handle, FAST),
      "ERR_RAT_INVALID",
      [/deleted at the IdP/, /revoked or expired/, /adminToken/, /`adopt`/, /pulumi state delete/],
      secrets,
    );
    assert.equal(e.status, 401);
    assert.equal(e.idpError, "invalid_token");
    await rejection(
      updateClient(handle, { client_name: "x" }, "PUT", FAST),
      "ERR_RAT_INVALID",
      [/Nothing was re-registered/],
      secrets,
    );
    await rejection(deleteClient(handle, FAST), "ERR_RAT_INVALID", [/deleted at the IdP/], secrets);
    assert.equal(idp.requests.count("POST"), 0, "no re-registration");
    assert.deepEqual(
      idp.requests.entries.map((e) => `${e.method} ${e.status}`),
      ["GET 401", "GET 401", "DELETE 401"],
    );
  });
});

test("oidc-provider: a wrong initial access token → ERR_IAT_INVALID after exactly one POST; a missing one → zero requests", async () => {
  await withOidc(true, async (idp) => {
    const metadata = clientMetadata([await es256Key("k1")]);
    const wrong = "wrong-iat-value-0123456789";
    await rejection(
      register(idp.registrationEndpoint, metadata, wrong, FAST),
      "ERR_IAT_INVALID",
      [/refused the Initial Access Token/, /admin console or admin API/],
      [wrong, idp.initialAccessToken],
    );
    assert.equal(idp.requests.count("POST", "/reg"), 1);
    idp.requests.reset();
    await rejection(
      register(idp.registrationEndpoint, metadata, undefined, FAST),
      "ERR_IAT_MISSING",
      [/admin console or admin API/, /pulumi config set --secret dcr:initialAccessToken/],
      [],
    );
    assert.equal(idp.requests.count(), 0);
  });
});

test("oidc-provider: PATCH is not a route (404 although the client exists) → ERR_IDP_UNSUPPORTED, suggesting PUT", async () => {
  await withOidc(false, async (idp) => {
    const { handle } = await register(
      idp.registrationEndpoint,
      clientMetadata([await es256Key("k1")]),
      idp.initialAccessToken,
      FAST,
    );
    idp.requests.reset();
    const e = await rejection(
      updateClient(handle, { client_name: "x" }, "PATCH", FAST),
      "ERR_IDP_UNSUPPORTED",
      [/PATCH/, /"updateMethod" to "PUT"/],
      handleSecrets(handle),
    );
    assert.equal(e.status, 404);
    assert.deepEqual(
      idp.requests.entries.map((x) => `${x.method} ${x.status}`),
      ["PATCH 404", "GET 200"],
    );
  });
});

test("oidc-provider: PUT switching inline jwks to jwks_uri drops jwks from the body; back again drops jwks_uri", async () => {
  await withOidc(true, async (idp) => {
    const key = await es256Key("k1");
    const { handle } = await register(idp.registrationEndpoint, clientMetadata([key]), idp.initialAccessToken, FAST);
    const toUri = await updateClient(handle, { jwks_uri: "https://app.example.com/jwks.json" }, "PUT", FAST);
    assert.equal(toUri.metadata.jwks_uri, "https://app.example.com/jwks.json");
    assert.equal(toUri.metadata.jwks, undefined);
    const back = await updateClient(handle, { jwks: { keys: [key.publicJwk] } }, "PUT", FAST);
    assert.deepEqual(kidsOf(back.metadata), ["k1"]);
    assert.equal(back.metadata.jwks_uri, undefined);
    assert.equal(back.metadata.client_name, "bff");
    assert.equal((await auth(idp, handle.clientId, key)).status, 200);
  });
});

test("oidc-provider: a rejected update is ERR_IDP_REJECTED with the RFC error, and the RAT still works", async () => {
  await withOidc(true, async (idp) => {
    const { handle } = await register(
      idp.registrationEndpoint,
      clientMetadata([await es256Key("k1")]),
      idp.initialAccessToken,
      FAST,
    );
    const e = await rejection(
      updateClient(handle, { redirect_uris: ["https://app.example.com/cb#fragment"] }, "PUT", FAST),
      "ERR_IDP_REJECTED",
      [/400 invalid_redirect_uri/],
      handleSecrets(handle),
    );
    assert.equal(e.idpError, "invalid_redirect_uri");
    assert.equal(e.status, 400);
    assert.equal((await readClient(handle, FAST)).metadata.client_name, "bff");
  });
});
