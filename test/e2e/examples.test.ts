/**
 * Every example project's program, compiled, run through the real engine against a real IdP
 * with the stack config its header documents.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { createEngineStack, repoRoot } from "../support/engine";
import { startOidcIdp } from "../support/oidc-idp";
import { startSeedIdp } from "../support/seed-idp";

async function runExample(
  name: string,
  config: ConfigMap,
  check: (outputs: Record<string, unknown>) => Promise<void> | void,
): Promise<void> {
  const programPath = path.join(repoRoot, ".build", "examples", name, "index.js");
  const engine = await createEngineStack({
    projectName: `dcr-example-${name}`,
    config,
    program: async () => {
      delete require.cache[require.resolve(programPath)];
      return require(programPath) as Record<string, unknown>;
    },
  });
  try {
    const up = await engine.up();
    const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
    await check(outputs);
    await engine.preview({ expectNoChanges: true });
    await engine.destroy();
  } finally {
    await engine.dispose();
  }
}

test("examples/basic against oidc-provider", async () => {
  const idp = await startOidcIdp();
  try {
    await runExample(
      "basic",
      {
        "dcr:issuer": { value: idp.issuer },
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr-example-basic:redirectUris": { value: JSON.stringify(["https://app.example.com/callback"]) },
      },
      async (o) => {
        assert.deepEqual(o.redirectUris, ["https://app.example.com/callback"]);
        const auth = await idp.clientCredentials(o.clientId as string, {
          privateKeyPem: o.privateKeyPem as string,
          kid: o.activeKid as string,
          alg: "RS256",
        });
        assert.equal(auth.status, 200);
      },
    );
  } finally {
    await idp.close();
  }
});

test("examples/seed-idp against the seed-style IdP, everything from dcr: config", async () => {
  const idp = await startSeedIdp();
  try {
    await runExample(
      "seed-idp",
      {
        "dcr:registrationEndpoint": { value: idp.registrationEndpoint },
        "dcr:updateMethod": { value: "PATCH" },
        "dcr:clientId": { value: "bff-server" },
        "dcr:profile": { value: "code-flow-pkjwt" },
        "dcr:rotationSafe": { value: "true" },
        "dcr:rotateAfterDays": { value: "30" },
        "dcr:retireAfterDays": { value: "60" },
        "dcr:maxKeys": { value: "3" },
        "dcr:redirectUris": { value: "https://bff.example.com/auth/callback https://bff.example.com/auth/alt" }, // DCR_REDIRECT_URIS: space separated
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr:adminToken": { value: idp.adminToken, secret: true },
      },
      (o) => {
        assert.equal(o.clientId, "bff-server");
        assert.equal(o.activeKid, "bff-sig-001");
        const rec = idp.getClient("bff-server") as Record<string, unknown>;
        assert.deepEqual(rec.redirect_uris, [
          "https://bff.example.com/auth/callback",
          "https://bff.example.com/auth/alt",
        ]);
      },
    );
  } finally {
    await idp.close();
  }
});

test("examples/jwks-uri registers jwks_uri and exports the JWK Set to serve", async () => {
  const idp = await startOidcIdp();
  try {
    await runExample(
      "jwks-uri",
      {
        "dcr:issuer": { value: idp.issuer },
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr-example-jwks-uri:jwksUri": { value: "https://bff.example.com/.well-known/jwks.json" },
      },
      (o) => {
        const rec = idp.getClient(o.clientId as string) as Record<string, unknown>;
        assert.equal(rec.jwks_uri, "https://bff.example.com/.well-known/jwks.json");
        assert.equal(rec.jwks, undefined);
        const doc = JSON.parse(o.jwksDocument as string) as { keys: { kid: string; d?: string }[] };
        assert.deepEqual(
          doc.keys.map((k) => k.kid),
          [o.activeKid],
        );
        assert.equal(doc.keys[0]?.d, undefined, "public keys only");
      },
    );
  } finally {
    await idp.close();
  }
});

test("examples/adopt takes over a client from the seed helper's creds JSON", async () => {
  const idp = await startSeedIdp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dcr-adopt-"));
  try {
    const res = await fetch(idp.registrationEndpoint, {
      method: "POST",
      headers: { authorization: `Bearer ${idp.initialAccessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        client_id: "bff-server",
        profile: "code-flow-pkjwt",
        redirect_uris: ["https://bff.example.com/cb"],
      }),
    });
    const creds = (await res.json()) as Record<string, string>;
    const credsFile = path.join(dir, "bff_client.json");
    fs.writeFileSync(
      credsFile,
      JSON.stringify({ client_id: creds.client_id, registration_access_token: creds.registration_access_token }),
    );
    idp.requests.reset();
    await runExample(
      "adopt",
      {
        "dcr:registrationEndpoint": { value: idp.registrationEndpoint },
        "dcr:updateMethod": { value: "PATCH" },
        "dcr-example-adopt:credsFile": { value: credsFile },
      },
      (o) => {
        assert.equal(o.clientId, "bff-server");
        assert.equal(idp.requests.count("POST", "/api/oidc/register"), 0);
        const rec = idp.getClient("bff-server") as { jwks: { keys: { kid: string }[] } };
        assert.deepEqual(
          rec.jwks.keys.map((k) => k.kid),
          [o.activeKid],
        );
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await idp.close();
  }
});
