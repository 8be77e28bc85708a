/**
 * Keys made by provider/crypto.ts are real to a certified IdP: the public JWK is accepted in a
 * registration at oidc-provider, and both the private JWK and the PKCS#8 PEM sign client
 * assertions its token endpoint accepts — for every algorithm we offer.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { KEY_ALGORITHMS, generateKeyMaterial, importPrivateKeyPem } from "../../provider/crypto";
import { startOidcIdp } from "../support/oidc-idp";

test("generated keys of every algorithm register and authenticate at oidc-provider", async () => {
  const idp = await startOidcIdp();
  try {
    for (const alg of KEY_ALGORITHMS) {
      const key = await generateKeyMaterial(alg, `crypto-${alg}`, new Date());
      const res = await fetch(idp.registrationEndpoint, {
        method: "POST",
        headers: { authorization: `Bearer ${idp.initialAccessToken}`, "content-type": "application/json" },
        body: JSON.stringify({
          redirect_uris: ["https://app.example.com/cb"],
          grant_types: ["authorization_code", "client_credentials"],
          token_endpoint_auth_method: "private_key_jwt",
          jwks: { keys: [key.publicJwk] },
        }),
      });
      assert.equal(res.status, 201, `${alg}: registration accepted`);
      const { client_id } = (await res.json()) as { client_id: string };
      const viaJwk = await idp.clientCredentials(client_id, { privateJwk: key.privateJwk, kid: key.kid, alg });
      assert.equal(viaJwk.status, 200, `${alg}: private JWK signs an accepted assertion`);
      const viaPem = await idp.clientCredentials(client_id, { privateKeyPem: key.privateKeyPem, kid: key.kid, alg });
      assert.equal(viaPem.status, 200, `${alg}: PEM signs an accepted assertion`);
      // A re-imported PEM (bring-your-own path) yields the same public key.
      const again = await importPrivateKeyPem(key.privateKeyPem, alg, key.kid, new Date());
      assert.deepEqual(again.publicJwk, key.publicJwk);
    }
  } finally {
    await idp.close();
  }
});
