/**
 * `token_endpoint_auth_signing_alg` is registered with the key: an IdP that enforces the
 * registered alg and defaults it to RS256 (oidc-provider configured so) refuses an ES256
 * assertion from a client registered without it, and accepts every algorithm from a DcrClient.
 * Changing keyAlgorithm publishes the new key and the new alg in one write.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startOidcIdp } from "../support/oidc-idp";
import { createDcrStack } from "../support/dcr-stack";
import { es256Key, registration } from "../support/plain-dcr";
import { KEY_ALGORITHMS } from "../../provider/crypto";

test("an IdP enforcing RS256 by default: every keyAlgorithm authenticates, one PUT per alg change", async () => {
  const idp = await startOidcIdp({ defaultAuthSigningAlg: "RS256" });
  const first = KEY_ALGORITHMS[0];
  const stack = await createDcrStack(
    {
      bff: {
        issuer: idp.issuer,
        keyAlgorithm: first,
        redirectUris: ["https://app.example.com/cb"],
        metadata: { grant_types: ["authorization_code", "client_credentials"] },
      },
    },
    {
      config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } },
    },
  );
  try {
    // The enforcement is real: registered without the alg, an ES256 key is refused.
    const key = await es256Key("plain");
    const body: Record<string, unknown> = {
      ...registration(key),
      grant_types: ["client_credentials"],
      response_types: [],
    };
    delete body.token_endpoint_auth_signing_alg;
    const plain = await fetch(idp.registrationEndpoint, {
      method: "POST",
      headers: { authorization: `Bearer ${idp.initialAccessToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.equal(plain.status, 201);
    const plainId = ((await plain.json()) as { client_id: string }).client_id;
    const refused = await idp.clientCredentials(plainId, { privateJwk: key.privateJwk, kid: "plain", alg: "ES256" });
    assert.equal(refused.status, 401, "the IdP defaults the alg to RS256 and refuses ES256");

    await stack.up();
    for (const alg of KEY_ALGORITHMS) {
      if (alg !== first) {
        stack.args = { bff: { ...stack.args.bff, keyAlgorithm: alg } };
        idp.requests.reset();
        await stack.up();
        assert.equal(idp.requests.count("PUT"), 1, `${alg}: new key and new alg in one write`);
      }
      const o = await stack.outputsOf("bff");
      assert.equal((o.metadata as Record<string, unknown>).token_endpoint_auth_signing_alg, alg);
      const auth = await idp.clientCredentials(o.clientId as string, {
        privateKeyPem: o.privateKeyPem as string,
        kid: o.activeKid as string,
        alg,
      });
      assert.equal(auth.status, 200, `${alg}: ${JSON.stringify(auth.body)}`);
      await stack.preview({ expectNoChanges: true });
    }
    await stack.destroy();
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
