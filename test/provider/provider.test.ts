/**
 * The provider object after a serialize → deserialize round trip, driven against the seed-style
 * IdP: the closure is small and secret-free, and each operation makes the minimum requests.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { roundTripProvider, serializedProvider } from "../support/provider-roundtrip";
import { startSeedIdp } from "../support/seed-idp";
import type { DcrInputs } from "../../provider/types";

const DAY = 86400_000;

test("__provider is a small stub that requires the installed package, identical every time", async () => {
  const a = await serializedProvider();
  const b = await serializedProvider();
  assert.equal(a, b);
  assert.ok(a.length < 4096, `__provider is ${a.length} bytes`);
  assert.match(a, /require\("pulumi-dcr\/dist\/provider\/dynamic\.js"\)/);
  assert.doesNotMatch(a, /zod|jose|fetch\(/, "no implementation copied into state");
});

test("round-tripped provider: check, create, no-op diff, read, update, delete with minimal requests", async () => {
  const idp = await startSeedIdp();
  try {
    const { provider, text } = await roundTripProvider({
      "dcr:initialAccessToken": idp.initialAccessToken,
      "dcr:adminToken": idp.adminToken,
    });
    assert.ok(!text.includes(idp.initialAccessToken));
    const raw = {
      registrationEndpoint: idp.registrationEndpoint,
      updateMethod: "PATCH",
      keyAlgorithm: "ES256",
      redirectUris: "https://bff.example.com/cb",
      rotateAfterDays: "30",
      __provider: text,
    } as unknown as DcrInputs;
    const checked = await provider.check({} as DcrInputs, raw);
    assert.deepEqual(checked.failures, []);
    const inputs = checked.inputs as DcrInputs;
    assert.equal(inputs.rotateAfterDays, 30);
    assert.equal(idp.requests.count(), 0, "check sends nothing");

    const created = await provider.create(inputs);
    assert.equal(idp.requests.count(), 1, "create: one POST");
    const outs = created.outs!;
    assert.equal(outs.clientId, created.id);
    assert.equal(outs.keys.length, 1);

    idp.requests.reset();
    const noop = await provider.diff(created.id, outs, inputs);
    assert.equal(noop.changes, false);
    assert.equal(idp.requests.count(), 0, "diff sends nothing");

    const read = await provider.read(created.id, outs);
    assert.equal(read.id, created.id);
    assert.equal(idp.requests.count("GET"), 1, "read: one GET");

    idp.requests.reset();
    process.env.DCR_NOW = new Date(Date.now() + 31 * DAY).toISOString();
    try {
      const due = await provider.diff(created.id, read.props!, inputs);
      assert.equal(due.changes, true);
      const updated = await provider.update(created.id, read.props!, inputs);
      assert.equal(idp.requests.count(), 1, "PATCH update: one request");
      assert.equal(updated.outs!.keys.length, 2);
    } finally {
      delete process.env.DCR_NOW;
    }

    idp.requests.reset();
    await provider.delete(created.id, outs);
    assert.equal(idp.requests.count("DELETE"), 1, "delete: one DELETE");
    await provider.delete(created.id, outs);
    assert.equal(idp.requests.count("DELETE"), 2, "deleting again is fine (already gone)");
  } finally {
    await idp.close();
  }
});

test("jwksUri: rotation changes the served jwks output without any request to the IdP", async () => {
  const idp = await startSeedIdp();
  try {
    const { provider, text } = await roundTripProvider({ "dcr:initialAccessToken": idp.initialAccessToken });
    const raw = {
      registrationEndpoint: idp.registrationEndpoint,
      updateMethod: "PATCH",
      keyAlgorithm: "ES256",
      jwksUri: "https://bff.example.com/jwks.json",
      __provider: text,
    } as unknown as DcrInputs;
    const inputs = (await provider.check({} as DcrInputs, raw)).inputs as DcrInputs;
    const created = await provider.create(inputs);
    assert.equal((idp.getClient(created.id) as Record<string, unknown>).jwks_uri, "https://bff.example.com/jwks.json");
    assert.equal(created.outs!.jwks.keys.length, 1);
    idp.requests.reset();
    process.env.DCR_NOW = new Date(Date.now() + 31 * DAY).toISOString();
    try {
      assert.equal((await provider.diff(created.id, created.outs!, inputs)).changes, true);
      const updated = await provider.update(created.id, created.outs!, inputs);
      assert.equal(idp.requests.count(), 0, "jwks_uri unchanged: nothing to send");
      assert.deepEqual(
        updated.outs!.jwks.keys.map((k) => k.kid),
        updated.outs!.keys.map((k) => k.kid),
      );
      assert.equal(updated.outs!.jwks.keys.length, 2, "the served set has the new and the old key");
    } finally {
      delete process.env.DCR_NOW;
    }
    await provider.delete(created.id, created.outs!);
  } finally {
    await idp.close();
  }
});
