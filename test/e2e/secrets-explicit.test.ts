/**
 * Secrets passed explicitly as program arguments (not from config) — the IAT, the admin token,
 * a bring-your-own private key — are kept encrypted in state, like the secret outputs.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { startSeedIdp } from "../support/seed-idp";
import { createDcrStack } from "../support/dcr-stack";
import { leaks, outputSecrets } from "../support/secrets";

test("explicit secret inputs never appear in clear in the exported state", async () => {
  const idp = await startSeedIdp();
  const pem = generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  const stack = await createDcrStack({
    bff: {
      registrationEndpoint: idp.registrationEndpoint,
      updateMethod: "PATCH",
      keyAlgorithm: "ES256",
      kid: "bff-sig-001",
      signingKeyPem: pem,
      initialAccessToken: idp.initialAccessToken,
      adminToken: idp.adminToken,
    },
  });
  try {
    await stack.up();
    const o = await stack.outputsOf("bff");
    assert.equal(o.activeKid, "bff-sig-001", "the brought key is the active key");
    assert.equal(o.privateKeyPem, pem.replace(/\r\n/g, "\n"), "and it is the key we gave");
    const exported = await stack.exportText();
    const secrets = [idp.initialAccessToken, idp.adminToken, pem, ...outputSecrets(o)];
    assert.deepEqual(leaks(exported, secrets), []);
    await stack.preview({ expectNoChanges: true });
    await stack.destroy();
  } finally {
    await stack.dispose();
    await idp.close();
  }
});

test("secrets from stack config: kept only as the default provider's encrypted inputs, never in the client's", async () => {
  const idp = await startSeedIdp();
  const stack = await createDcrStack(
    { bff: { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH", keyAlgorithm: "ES256" } },
    {
      config: {
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr:adminToken": { value: idp.adminToken, secret: true },
      },
    },
  );
  try {
    await stack.up();
    const exported = await stack.exportText();
    assert.deepEqual(leaks(exported, [idp.initialAccessToken, idp.adminToken]), [], "never in clear");
    const resources = (JSON.parse(exported) as { deployment: { resources: StateResource[] } }).deployment.resources;
    const client = resources.find((r) => r.type.endsWith("DcrClient"));
    const provider = resources.find((r) => r.type === "pulumi:providers:pulumi-nodejs");
    assert.ok(client && provider, "a client and the default dynamic provider are in state");
    for (const side of [client.inputs, client.outputs]) {
      assert.ok(!Object.keys(side ?? {}).some((k) => k === "initialAccessToken" || k === "adminToken"));
    }
    // What README says: Pulumi keeps the stack config as the default provider's inputs, encrypted.
    for (const key of ["dcr:initialAccessToken", "dcr:adminToken"]) {
      const held = provider.inputs?.[key] as Record<string, unknown> | undefined;
      assert.ok(held !== undefined && "ciphertext" in held, `${key} is in the provider's inputs, as ciphertext`);
    }
    await stack.destroy();
  } finally {
    await stack.dispose();
    await idp.close();
  }
});

interface StateResource {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}
