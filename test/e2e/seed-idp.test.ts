/**
 * DcrClient against the seed-style IdP through the real engine: PATCH dialect, desired client_id
 * and profile, rotation policy from stack config, admin RAT renewal after the RAT was refused (401, then 403),
 * adoption of a client registered by the old bootstrap helper, destroy.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { createDcrStack } from "../support/dcr-stack";
import { dcrClients, exportWithSecrets } from "../support/engine-ops";

const DAY = 86400_000;

test("seed IdP: PATCH, config policy, admin renewal, destroy", async () => {
  const idp = await startSeedIdp();
  const stack = await createDcrStack(
    {
      bff: { redirectUris: ["https://bff.example.com/auth/callback"], keyAlgorithm: "RS256", kid: "bff-sig-001" },
    },
    {
      config: {
        "dcr:registrationEndpoint": { value: idp.registrationEndpoint },
        "dcr:updateMethod": { value: "PATCH" },
        "dcr:clientId": { value: "bff-server" },
        "dcr:profile": { value: "code-flow-pkjwt" },
        "dcr:rotateAfterDays": { value: "10" },
        "dcr:retireAfterDays": { value: "20" },
        "dcr:maxKeys": { value: "3" },
        "dcr:rotationSafe": { value: "true" },
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr:adminToken": { value: idp.adminToken, secret: true },
      },
    },
  );
  try {
    await stack.up();
    const o1 = await stack.outputsOf("bff");
    assert.equal(o1.clientId, "bff-server", "desired client_id honoured");
    assert.equal(o1.activeKid, "bff-sig-001", "explicit kid names the first key");
    const rec = idp.getClient("bff-server") as Record<string, unknown>;
    assert.deepEqual(rec.grant_types, ["authorization_code", "refresh_token"], "profile defaults applied");
    assert.equal(rec.token_endpoint_auth_method, "private_key_jwt");

    // Rotation policy from config: 11 days later a rotation is due; the RAT was revoked meanwhile,
    // so the PATCH gets 401, the admin token renews the RAT and the PATCH is retried once.
    idp.revokeRat("bff-server");
    idp.requests.reset();
    stack.setEnv("DCR_NOW", new Date(Date.now() + 11 * DAY).toISOString());
    await stack.up();
    assert.equal(idp.requests.count("PATCH"), 2, "PATCH, 401, renew, PATCH again");
    assert.equal(idp.requests.count("POST", "/api/admin/dcr/clients/"), 1);
    const o2 = await stack.outputsOf("bff");
    assert.notEqual(o2.registrationAccessToken, o1.registrationAccessToken);
    assert.equal(o2.registrationAccessToken, idp.currentRat("bff-server"), "the renewed RAT is in state");
    assert.deepEqual(
      (o2.keys as { kid: string }[]).map((k) => k.kid),
      [o2.activeKid, "bff-sig-001"],
    );
    assert.match(o2.activeKid as string, /^dcr-\d{8}T\d{6}Z$/);
    const kidsAtIdp = (idp.getClient("bff-server") as { jwks: { keys: { kid: string }[] } }).jwks.keys.map(
      (k) => k.kid,
    );
    assert.deepEqual(kidsAtIdp, [o2.activeKid, "bff-sig-001"]);
    await stack.preview({ expectNoChanges: true });

    // Retirement after 20 days (from config): 22 days → bff-sig-001 is dropped. This time the IdP
    // refuses the RAT with 403: renewed and retried just the same.
    idp.failNext({ status: 403, method: "PATCH" });
    idp.requests.reset();
    stack.setEnv("DCR_NOW", new Date(Date.now() + 22 * DAY).toISOString());
    await stack.up();
    assert.deepEqual(
      idp.requests.entries.map((e) => `${e.method} ${e.status}`),
      ["PATCH 403", "POST 201", "PATCH 200"],
      "PATCH 403, renew, PATCH again",
    );
    const o3 = await stack.outputsOf("bff");
    assert.equal(o3.registrationAccessToken, idp.currentRat("bff-server"), "the RAT renewed after the 403 is in state");

    // DCR_FORCE_REPLACE with a fixed client_id: the old client must go before the new one can
    // take the id, so `up --replace` deletes first (the resource asks for delete-before-replace).
    const urn = dcrClients((await exportWithSecrets(stack)).resources).get("bff")?.urn as string;
    idp.requests.reset();
    await stack.stack.up({ replace: [urn] });
    const writes = idp.requests.entries.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.status}`);
    assert.deepEqual(writes, ["DELETE 204", "POST 201"], "deleted, then registered again under the same client_id");
    const o4 = await stack.outputsOf("bff");
    assert.equal(o4.clientId, "bff-server");
    assert.notEqual(o4.registrationAccessToken, o3.registrationAccessToken);
    assert.ok(!(o3.keys as { kid: string }[]).some((k) => k.kid === "bff-sig-001"));

    await stack.destroy();
    assert.equal(idp.getClient("bff-server"), undefined);
  } finally {
    await stack.dispose();
    await idp.close();
  }
});

test("seed IdP: adopt a client registered by the bootstrap helper, without any IAT", async () => {
  const idp = await startSeedIdp();
  // What the old helper did: register with the IAT, keep the creds JSON.
  const res = await fetch(idp.registrationEndpoint, {
    method: "POST",
    headers: { authorization: `Bearer ${idp.initialAccessToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "bff-server",
      profile: "code-flow-pkjwt",
      client_name: "legacy bff",
      contacts: ["ops@example.com"],
      redirect_uris: ["https://bff.example.com/auth/callback"],
      jwks: {
        keys: [
          {
            kty: "EC",
            crv: "P-256",
            kid: "bff-sig-001",
            alg: "ES256",
            use: "sig",
            x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
          },
        ],
      },
    }),
  });
  assert.equal(res.status, 201);
  const creds = (await res.json()) as Record<string, string>;
  const stack = await createDcrStack(
    {
      bff: {
        registrationEndpoint: idp.registrationEndpoint,
        updateMethod: "PATCH",
        keyAlgorithm: "ES256",
        redirectUris: ["https://bff.example.com/auth/callback"],
      },
    },
    {
      config: {
        "dcr:adopt": {
          value: JSON.stringify({
            client_id: creds.client_id,
            registration_access_token: creds.registration_access_token,
          }),
          secret: true,
        },
      },
    },
  );
  try {
    idp.requests.reset();
    await stack.up();
    assert.equal(idp.requests.count("POST", "/api/oidc/register"), 0, "no registration: adopted");
    const o = await stack.outputsOf("bff");
    assert.equal(o.clientId, "bff-server");
    const rec = idp.getClient("bff-server") as {
      jwks: { keys: { kid: string }[] };
      contacts: string[];
      client_name: string;
    };
    assert.deepEqual(
      rec.jwks.keys.map((k) => k.kid),
      [o.activeKid, "bff-sig-001"],
      "our key published, the helper's key kept",
    );
    assert.deepEqual(rec.contacts, ["ops@example.com"], "settings we do not own are untouched");
    await stack.preview({ expectNoChanges: true });
    await stack.destroy();
    assert.equal(idp.getClient("bff-server"), undefined, "destroy deletes the adopted client");
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
