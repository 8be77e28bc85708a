/**
 * The SuiteIdp adapters (test/support/idp-suite.ts) keep their contract on all three IdPs, with
 * plain fetch: the config IAT registers, kidsAt / redirectUrisAt / exists read what the IdP holds,
 * setRedirectUris and deleteClient change it out of band without being counted, the admin token
 * renews a RAT at ratRenewalPath, and clientCredentials proves the key where there is a token endpoint.
 */
import test from "node:test";
import assert from "node:assert/strict";
import { SUITE_IDPS, startSuiteIdp } from "../support/idp-suite";
import { call, es256Key, registration } from "../support/plain-dcr";

for (const name of SUITE_IDPS) {
  test(`suite IdP ${name}: register with the config IAT, read, drift and delete out of band, renew, prove the key`, async () => {
    const idp = await startSuiteIdp(name);
    try {
      assert.equal(idp.config["dcr:initialAccessToken"]?.value, idp.initialAccessToken);
      assert.equal(idp.config["dcr:initialAccessToken"]?.secret, true);
      assert.equal(idp.config["dcr:adminToken"]?.value, idp.adminToken);
      assert.equal(idp.config["dcr:ratRenewalPath"]?.value, idp.ratRenewalPath);
      assert.equal(idp.args.updateMethod, name === "seed" ? "PATCH" : undefined);

      const endpoint =
        idp.args.registrationEndpoint ??
        ((await call(`${idp.args.issuer}/.well-known/openid-configuration`)).body.registration_endpoint as string);
      const key = await es256Key("k1");
      const created = await call(endpoint, { method: "POST", token: idp.initialAccessToken, body: registration(key) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const clientId = created.body.client_id as string;
      const counted = idp.requests.entries.length;
      assert.ok(counted >= 1, "the registration was counted");

      assert.deepEqual(await idp.kidsAt(clientId), ["k1"]);
      assert.deepEqual(await idp.redirectUrisAt(clientId), ["https://app.example.com/callback"]);
      assert.equal(await idp.exists(clientId), true);
      await idp.setRedirectUris(clientId, ["https://drift.example.com/b", "https://drift.example.com/a"]);
      assert.deepEqual((await idp.redirectUrisAt(clientId)).sort(), [
        "https://drift.example.com/a",
        "https://drift.example.com/b",
      ]);
      assert.equal(idp.requests.entries.length, counted, "out-of-band reads and changes are not counted");

      if (idp.clientCredentials) {
        const token = await idp.clientCredentials(clientId, {
          privateKeyPem: key.privateKeyPem,
          kid: key.kid,
          alg: "ES256",
        });
        assert.equal(token.status, 200, JSON.stringify(token.body));
      }
      if (idp.adminToken !== undefined && idp.ratRenewalPath !== undefined) {
        const url = new URL(idp.ratRenewalPath.replace("{client_id}", encodeURIComponent(clientId)), endpoint);
        const renewed = await call(url.href, { method: "POST", token: idp.adminToken });
        assert.ok(
          [200, 201].includes(renewed.status),
          `${renewed.status} ${JSON.stringify(Object.keys(renewed.body))}`,
        );
      }

      await idp.deleteClient(clientId);
      assert.equal(await idp.exists(clientId), false);
      assert.deepEqual(await idp.kidsAt(clientId), []);
      assert.deepEqual(await idp.redirectUrisAt(clientId), []);
    } finally {
      await idp.close();
    }
  });
}
