/**
 * Publishing ahead at provider level (serialized → deserialized, against the seed-style IdP):
 * what diff reports and update sends in each phase, and what the outputs hold.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { roundTripProvider } from "../support/provider-roundtrip";
import { startSeedIdp } from "../support/seed-idp";
import type { DcrInputs, DcrOutputs } from "../../provider/types";

const DAY = 86400_000;

test("provider: publish on day 23 (one PATCH), switch on day 30 (no request), outputs follow", async () => {
  const idp = await startSeedIdp();
  const t0 = Date.now();
  const at = (days: number) => {
    process.env.DCR_NOW = new Date(t0 + days * DAY).toISOString();
  };
  try {
    const { provider, text } = await roundTripProvider({ "dcr:initialAccessToken": idp.initialAccessToken });
    const raw = {
      registrationEndpoint: idp.registrationEndpoint,
      updateMethod: "PATCH",
      keyAlgorithm: "ES256",
      publishAheadDays: "7",
      __provider: text,
    } as unknown as DcrInputs;
    const checked = await provider.check({} as DcrInputs, raw);
    assert.deepEqual(checked.failures, []);
    const inputs = checked.inputs as DcrInputs;
    at(0);
    const created = await provider.create(inputs);
    const o0 = created.outs as DcrOutputs;
    assert.equal(o0.nextKid, undefined);
    assert.equal(
      Date.parse(o0.nextRotationAt as string),
      Date.parse(o0.keys[0]?.createdAt as string) + 23 * DAY,
      "the next step is the publication on day 23",
    );

    at(22);
    assert.equal((await provider.diff(created.id, o0, inputs)).changes, false, "nothing due on day 22");

    at(23);
    idp.requests.reset();
    assert.equal((await provider.diff(created.id, o0, inputs)).changes, true, "publication due on day 23");
    const o1 = (await provider.update(created.id, o0, inputs)).outs as DcrOutputs;
    assert.equal(idp.requests.count(), 1, "publication: one PATCH");
    assert.equal(o1.activeKid, o0.activeKid);
    assert.equal(o1.privateKeyPem, o0.privateKeyPem);
    assert.ok(o1.nextKid && o1.nextPrivateKeyPem && o1.nextKeyActivatesAt);
    assert.equal(o1.nextKeyActivatesAt, o1.nextRotationAt, "the next step is the activation");
    assert.equal(Date.parse(o1.nextKeyActivatesAt), Date.parse(o0.keys[0]?.createdAt as string) + 30 * DAY);
    const atIdp = (idp.getClient(created.id) as { jwks: { keys: { kid: string }[] } }).jwks.keys.map((k) => k.kid);
    assert.deepEqual(atIdp, [o1.nextKid, o1.activeKid], "the IdP holds the next key");
    assert.deepEqual(
      o1.privateJwks.keys.map((k) => k.kid),
      [o1.activeKid],
      "privateJwks: the active key only",
    );

    at(30);
    idp.requests.reset();
    assert.equal((await provider.diff(created.id, o1, inputs)).changes, true, "activation due on day 30");
    const o2 = (await provider.update(created.id, o1, inputs)).outs as DcrOutputs;
    assert.equal(idp.requests.count(), 0, "activation: no request");
    assert.equal(o2.activeKid, o1.nextKid);
    assert.equal(o2.privateKeyPem, o1.nextPrivateKeyPem, "the PEM the application pre-loaded");
    assert.deepEqual(
      o2.privateJwks.keys.map((k) => k.kid),
      [o1.nextKid],
    );
    assert.equal(o2.nextKid, undefined, "no next key until the next publication");
    assert.equal(o2.nextPrivateKeyPem, undefined);
    assert.equal(o2.nextKeyActivatesAt, undefined);
    assert.equal(o2.keys.find((k) => k.kid === o2.activeKid)?.activatedAt, o1.nextKeyActivatesAt);
    assert.equal(
      Date.parse(o2.nextRotationAt as string),
      Date.parse(o1.nextKeyActivatesAt as string) + 23 * DAY,
      "the next publication counts from activation",
    );
    assert.equal((await provider.diff(created.id, o2, inputs)).changes, false, "settled");
    await provider.delete(created.id, o2);
  } finally {
    delete process.env.DCR_NOW;
    await idp.close();
  }
});
