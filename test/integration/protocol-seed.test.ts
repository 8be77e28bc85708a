/**
 * The protocol layer against the seed-style IdP (PATCH only, admin RAT renewal, IAT uses):
 * lifecycle and request counts, rotated RATs, renewal with and without an admin token, and a
 * client deleted behind our back (404 and 401 flavours).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp, type SeedIdp, type SeedIdpOptions } from "../support/seed-idp";
import {
  deleteClient,
  discoverRegistrationEndpoint,
  readClient,
  register,
  renewRat,
  updateClient,
} from "../../provider/protocol/registration";
import type { ClientHandle } from "../../provider/protocol/types";
import { es256Key, FAST, handleSecrets, kidsOf, rejection, trackSecrets, type Json } from "./protocol-support";

async function withSeed(options: SeedIdpOptions, fn: (idp: SeedIdp) => Promise<void>): Promise<void> {
  const idp = await startSeedIdp(options);
  trackSecrets(idp.initialAccessToken, idp.adminToken);
  try {
    await fn(idp);
  } finally {
    await idp.close();
  }
}

/** Seed-style registration: desired client_id, profile, inline jwks. */
async function seedMetadata(extra: Json = {}): Promise<Json> {
  const key = await es256Key("bff-sig-001");
  return {
    client_id: "bff-server",
    client_name: "bff",
    contacts: ["ops@example.com"],
    profile: "code-flow-pkjwt",
    redirect_uris: ["https://bff.example.com/auth/callback"],
    jwks: { keys: [key.publicJwk] },
    ...extra,
  };
}

async function registered(idp: SeedIdp, extra: Json = {}): Promise<ClientHandle> {
  const { handle } = await register(idp.registrationEndpoint, await seedMetadata(extra), idp.initialAccessToken, FAST);
  trackSecrets(handle);
  idp.requests.reset();
  return handle;
}

const log = (idp: SeedIdp) => idp.requests.entries.map((e) => `${e.method} ${e.status}`);

test("seed: discover → register → read → PATCH → delete, one request each; unsent settings survive", async () => {
  await withSeed({}, async (idp) => {
    assert.equal(await discoverRegistrationEndpoint(idp.baseUrl, FAST), idp.registrationEndpoint);
    idp.requests.reset();
    const created = await register(idp.registrationEndpoint, await seedMetadata(), idp.initialAccessToken, FAST);
    const handle = created.handle;
    assert.equal(handle.clientId, "bff-server", "the desired client_id");
    assert.equal(handle.registrationAccessToken, idp.currentRat("bff-server"));
    assert.equal(created.metadata.token_endpoint_auth_method, "private_key_jwt", "profile defaults echoed");
    assert.equal(typeof created.metadata.client_id_issued_at, "number");
    assert.deepEqual(log(idp), ["POST 201"]);

    idp.requests.reset();
    assert.deepEqual((await readClient(handle, FAST)).metadata.contacts, ["ops@example.com"]);
    assert.deepEqual(log(idp), ["GET 200"]);

    idp.requests.reset();
    const next = await es256Key("bff-sig-002");
    const patched = await updateClient(
      handle,
      { redirect_uris: ["https://bff.example.com/cb2"], jwks: { keys: [next.publicJwk] } },
      "PATCH",
      FAST,
    );
    assert.deepEqual(log(idp), ["PATCH 200"]);
    assert.deepEqual(patched.metadata.redirect_uris, ["https://bff.example.com/cb2"]);
    assert.equal(patched.metadata.client_name, "bff");
    assert.deepEqual(patched.metadata.contacts, ["ops@example.com"]);
    assert.deepEqual(kidsOf(idp.getClient("bff-server")), ["bff-sig-002"]);

    idp.requests.reset();
    assert.equal(await deleteClient(handle, FAST), "deleted");
    assert.deepEqual(log(idp), ["DELETE 204"]);
    assert.deepEqual(idp.clientIds(), []);
  });
});

test("seed: PUT is 405 → ERR_IDP_UNSUPPORTED suggesting PATCH, after the read half of the read-modify-write", async () => {
  await withSeed({}, async (idp) => {
    const handle = await registered(idp);
    await rejection(
      updateClient(handle, { client_name: "x" }, "PUT", FAST),
      "ERR_IDP_UNSUPPORTED",
      [/PUT/, /"updateMethod" to "PATCH"/],
      handleSecrets(handle),
    );
    assert.deepEqual(log(idp), ["GET 200", "PUT 405"]);
  });
});

test("seed: rotateRatOnUpdate — every PATCH's new RAT lands in the handle and the next call works", async () => {
  await withSeed({ rotateRatOnUpdate: true }, async (idp) => {
    const handle = await registered(idp);
    const seen = [handle.registrationAccessToken];
    for (const name of ["b", "c"]) {
      await updateClient(handle, { client_name: name }, "PATCH", FAST);
      seen.push(handle.registrationAccessToken);
      assert.equal(handle.registrationAccessToken, idp.currentRat("bff-server"));
      assert.equal((await readClient(handle, FAST)).metadata.client_name, name);
    }
    assert.equal(new Set(seen).size, 3);
    assert.deepEqual(log(idp), ["PATCH 200", "GET 200", "PATCH 200", "GET 200"]);
  });
});

test("seed: a revoked RAT with adminToken → renewed once through the admin API, the call retried once", async () => {
  await withSeed({}, async (idp) => {
    const handle = await registered(idp);
    const opts = { ...FAST, adminToken: idp.adminToken };
    idp.revokeRat("bff-server");
    const old = handle.registrationAccessToken;
    assert.equal((await readClient(handle, opts)).metadata.client_name, "bff");
    assert.notEqual(handle.registrationAccessToken, old);
    assert.equal(handle.registrationAccessToken, idp.currentRat("bff-server"));
    assert.deepEqual(log(idp), ["GET 401", "POST 201", "GET 200"]);
    assert.equal(idp.requests.count("POST", "/api/admin/dcr/clients/bff-server/tokens"), 1);

    idp.requests.reset();
    idp.expireRat("bff-server");
    await updateClient(handle, { client_name: "renewed" }, "PATCH", opts);
    assert.deepEqual(log(idp), ["PATCH 401", "POST 201", "PATCH 200"]);
    assert.equal(idp.getClient("bff-server")?.client_name, "renewed");

    idp.requests.reset();
    idp.revokeRat("bff-server");
    assert.equal(await deleteClient(handle, opts), "deleted");
    assert.deepEqual(log(idp), ["DELETE 401", "POST 201", "DELETE 204"]);
  });
});

test("seed: a revoked RAT (401, or 403) without adminToken → ERR_RAT_INVALID naming both causes and the remedies; a refused admin token → ERR_RAT_INVALID", async () => {
  await withSeed({}, async (idp) => {
    const handle = await registered(idp);
    const secrets = [idp.initialAccessToken, idp.adminToken, ...handleSecrets(handle)];
    idp.revokeRat("bff-server");
    const e = await rejection(
      updateClient(handle, { client_name: "x" }, "PATCH", FAST),
      "ERR_RAT_INVALID",
      [
        /client was deleted at the IdP/,
        /revoked or expired/,
        /dcr:adminToken/,
        /`adopt`/,
        /pulumi state delete/,
        /Nothing was re-registered/,
      ],
      secrets,
    );
    assert.equal(e.status, 401);
    assert.deepEqual(log(idp), ["PATCH 401"]);

    idp.requests.reset();
    idp.failNext({ status: 403, method: "GET" });
    const forbidden = await rejection(
      readClient(handle, FAST),
      "ERR_RAT_INVALID",
      [/403/, /client was deleted at the IdP/, /revoked or expired/, /dcr:adminToken/, /Nothing was re-registered/],
      secrets,
    );
    assert.equal(forbidden.status, 403, "a 403 is a refused token too");
    assert.deepEqual(log(idp), ["GET 403"]);

    idp.requests.reset();
    const wrongAdmin = "not-the-admin-token-0123456789";
    await rejection(
      readClient(handle, { ...FAST, adminToken: wrongAdmin }),
      "ERR_RAT_INVALID",
      [/refused the admin token/],
      [...secrets, wrongAdmin],
    );
    assert.deepEqual(log(idp), ["GET 401", "POST 401"]);
    assert.equal(idp.requests.count("POST", "/api/oidc/register"), 0, "never re-registered");
  });
});

test('seed: a client deleted out of band (404) → ERR_CLIENT_GONE on read and update, "gone" on delete, no re-registration', async () => {
  await withSeed({}, async (idp) => {
    const handle = await registered(idp);
    idp.deleteClient("bff-server");
    const secrets = handleSecrets(handle);
    await rejection(readClient(handle, FAST), "ERR_CLIENT_GONE", [/no longer exists/], secrets);
    await rejection(
      updateClient(handle, { client_name: "x" }, "PATCH", FAST),
      "ERR_CLIENT_GONE",
      [/no longer exists/],
      secrets,
    );
    assert.equal(await deleteClient(handle, FAST), "gone");
    assert.deepEqual(
      log(idp),
      ["GET 404", "PATCH 404", "GET 404", "DELETE 404", "GET 404"],
      "a 404 to PATCH or DELETE is confirmed by one GET",
    );
    assert.equal(idp.requests.count("POST"), 0);
  });
});

test('seed (unknown clients answer 401): with adminToken the renewal\'s 404 → ERR_CLIENT_GONE / "gone"', async () => {
  await withSeed({ unknownClientStatus: 401 }, async (idp) => {
    const handle = await registered(idp);
    idp.deleteClient("bff-server");
    const opts = { ...FAST, adminToken: idp.adminToken };
    await rejection(
      readClient(handle, opts),
      "ERR_CLIENT_GONE",
      [/admin API/, /no longer exists/],
      [idp.adminToken, ...handleSecrets(handle)],
    );
    assert.deepEqual(log(idp), ["GET 401", "POST 404"]);
    assert.equal(await deleteClient(handle, opts), "gone");
    await rejection(readClient(handle, FAST), "ERR_RAT_INVALID", [/deleted/], handleSecrets(handle));
  });
});

test("seed: renewRat honours ratRenewalPath (relative and absolute templates) and needs an admin token", async () => {
  await withSeed({}, async (idp) => {
    const handle = await registered(idp);
    await renewRat(handle, {
      ...FAST,
      adminToken: idp.adminToken,
      ratRenewalPath: "/api/admin/dcr/clients/{client_id}/tokens",
    });
    assert.equal(handle.registrationAccessToken, idp.currentRat("bff-server"));
    await renewRat(handle, {
      ...FAST,
      adminToken: idp.adminToken,
      ratRenewalPath: `${idp.baseUrl}/api/admin/dcr/clients/{client_id}/tokens`,
    });
    assert.equal(handle.registrationAccessToken, idp.currentRat("bff-server"));
    await rejection(renewRat(handle, FAST), "ERR_CONFIG", [/adminToken/], []);
    await rejection(
      renewRat(handle, { adminToken: "x", ratRenewalPath: "http://idp.example.com/{client_id}" }),
      "ERR_CONFIG",
      [/"ratRenewalPath"/, /https/],
      [],
    );
    assert.equal((await readClient(handle, FAST)).metadata.client_id, "bff-server");
  });
});

test("seed: IAT refused (wrong or used up) → ERR_IAT_INVALID; an existing client_id → ERR_IDP_REJECTED telling how to adopt", async () => {
  await withSeed({ iatUses: 1 }, async (idp) => {
    const metadata = await seedMetadata();
    await rejection(
      register(idp.registrationEndpoint, metadata, "wrong-iat-value-0123456789", FAST),
      "ERR_IAT_INVALID",
      [/401/],
      ["wrong-iat-value-0123456789"],
    );
    await register(idp.registrationEndpoint, metadata, idp.initialAccessToken, FAST);
    await rejection(
      register(idp.registrationEndpoint, metadata, idp.initialAccessToken, FAST),
      "ERR_IAT_INVALID",
      [/expired or used up|used up/],
      [idp.initialAccessToken],
    );
  });
  await withSeed({}, async (idp) => {
    const metadata = await seedMetadata();
    await register(idp.registrationEndpoint, metadata, idp.initialAccessToken, FAST);
    const e = await rejection(
      register(idp.registrationEndpoint, metadata, idp.initialAccessToken, FAST),
      "ERR_IDP_REJECTED",
      [/409/, /already registered/, /client_id "bff-server"/, /`adopt`/],
      [idp.initialAccessToken],
    );
    assert.equal(e.status, 409);
    assert.equal(idp.requests.count("POST"), 2);
  });
});

test("seed: PATCH switching jwks_uri → jwks nulls jwks_uri — from `current` in one PATCH, or repaired after the IdP refuses", async () => {
  await withSeed({}, async (idp) => {
    const metadata = await seedMetadata({ jwks: undefined, jwks_uri: "https://bff.example.com/.well-known/jwks.json" });
    const key = await es256Key("k2");
    const handle = await registered(idp, metadata);

    const current = (await readClient(handle, FAST)).metadata;
    idp.requests.reset();
    await updateClient(handle, { jwks: { keys: [key.publicJwk] } }, "PATCH", { ...FAST, current });
    assert.deepEqual(log(idp), ["PATCH 200"]);
    assert.deepEqual(kidsOf(idp.getClient("bff-server")), ["k2"]);
    assert.equal(idp.getClient("bff-server")?.jwks_uri, undefined);

    // Back to jwks_uri without telling the protocol what the record holds.
    idp.requests.reset();
    const back = await updateClient(handle, { jwks_uri: "https://bff.example.com/jwks2.json" }, "PATCH", FAST);
    assert.deepEqual(log(idp), ["PATCH 400", "GET 200", "PATCH 200"]);
    assert.equal(back.metadata.jwks_uri, "https://bff.example.com/jwks2.json");
    assert.equal(back.metadata.jwks, undefined);

    // A plain 400 that has nothing to do with the keys is not retried.
    idp.requests.reset();
    await rejection(
      updateClient(handle, { redirect_uris: ["https://x.example.com/#f"] }, "PATCH", FAST),
      "ERR_IDP_REJECTED",
      [/invalid_redirect_uri/],
      handleSecrets(handle),
    );
    assert.deepEqual(log(idp), ["PATCH 400"]);
  });
});
