/** Outcome decisions (plan/outcome.ts) and the outputs of an update that sends nothing (plan/outputs.ts). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { afterFailedUpdate, failureStatus, successStatus } from "../../provider/plan/outcome";
import { unchangedOutputs } from "../../provider/plan/outputs";
import { desiredRecord } from "../../provider/plan/metadata";
import type { Keyring } from "../../provider/keyring";
import type { DcrErrorCode } from "../../provider/errors";
import type { DcrOutputs } from "../../provider/types";

const T0 = "2026-11-01T00:00:00.000Z";
const jwk = (kid: string) => ({ kty: "OKP", crv: "Ed25519", x: kid, kid, alg: "EdDSA", use: "sig" as const });

function olds(over: Partial<DcrOutputs> = {}): DcrOutputs {
  return {
    clientId: "c1",
    registrationClientUri: "https://idp.example.com/reg/c1",
    registrationAccessToken: "rat-1",
    registrationEndpoint: "https://idp.example.com/reg",
    jwks: { keys: [jwk("k1")] },
    activeKid: "k1",
    privateKeyPem: "pem-1",
    privateJwks: { keys: [] },
    keys: [{ kid: "k1", alg: "EdDSA", createdAt: T0 }],
    redirectUris: [],
    metadata: {},
    usedKids: ["k1"],
    nextKid: "stale",
    nextRotationAt: "2000-01-01T00:00:00.000Z",
    desired: desiredRecord({ keyAlgorithm: "EdDSA" }, "https://idp.example.com/reg"),
    ...over,
  };
}

test("status after each step: writes succeed as success, a refresh as rat_cached", () => {
  assert.equal(successStatus("create"), "success");
  assert.equal(successStatus("update"), "success");
  assert.equal(successStatus("read"), "rat_cached");
});

test("status after a failure: a refused RAT is rat_invalid; other failed updates jwks_rotation_failed; a refresh pushes nothing else", () => {
  const cases: ["update" | "read", DcrErrorCode | undefined, string | undefined][] = [
    ["update", "ERR_RAT_INVALID", "rat_invalid"],
    ["update", "ERR_IDP_REJECTED", "jwks_rotation_failed"],
    ["update", "ERR_OUTCOME_UNKNOWN", "jwks_rotation_failed"],
    ["update", undefined, "jwks_rotation_failed"],
    ["read", "ERR_RAT_INVALID", "rat_invalid"],
    ["read", "ERR_IDP_RESPONSE", undefined],
    ["read", undefined, undefined],
  ];
  for (const [step, code, want] of cases) assert.equal(failureStatus(step, code), want, `${step} ${String(code)}`);
});

test("afterFailedUpdate: partial state only when a RAT came back or kids were used", () => {
  const o = olds();
  const handle = (rat: string) => ({
    clientId: "c1",
    registrationClientUri: o.registrationClientUri,
    registrationAccessToken: rat,
  });
  assert.equal(afterFailedUpdate(o, handle("rat-1"), ["k1"]), undefined, "nothing new: the old outputs stand");
  const rotated = afterFailedUpdate(o, handle("rat-2"), ["k1"]);
  assert.equal(rotated?.registrationAccessToken, "rat-2", "a rotated RAT is kept");
  assert.deepEqual(rotated?.keys, o.keys, "the rest of the old outputs stay");
  const generated = afterFailedUpdate(o, handle("rat-1"), ["k1", "k2"]);
  assert.deepEqual(generated?.usedKids, ["k1", "k2"], "generated kids are remembered as used");
  assert.deepEqual(o.usedKids, ["k1"], "the old outputs are not mutated");
});

test("unchangedOutputs: new key schedule and desired record; jwks follows the keys only with jwksUri", () => {
  const ring: Keyring = {
    records: [{ kid: "k1", alg: "EdDSA", createdAt: T0 }],
    privateJwks: { keys: [] },
    publicByKid: new Map(),
    activeKid: "k1",
    privateKeyPem: "pem-1",
    usedKids: ["k1"],
    plan: { keep: [], generate: null, retire: [], reasons: [], activeKid: "k1" },
  };
  const published = { keys: [jwk("k1"), jwk("served")] };
  const inline = desiredRecord({ keyAlgorithm: "EdDSA", clientName: "new" }, "https://idp.example.com/reg");
  const out = unchangedOutputs(olds(), ring, inline, published, { adminToken: "adm" });
  assert.deepEqual(out.jwks, olds().jwks, "inline: jwks stays what the IdP holds");
  assert.equal(out.desired.clientName, "new");
  assert.equal(out.adminToken, "adm");
  assert.equal(out.nextKid, undefined, "a stale next key does not linger");
  assert.equal(out.nextRotationAt, "2026-12-01T00:00:00.000Z", "the schedule is recomputed");
  const served = desiredRecord(
    { keyAlgorithm: "EdDSA", jwksUri: "https://app.example.com/jwks" },
    "https://idp.example.com/reg",
  );
  assert.deepEqual(unchangedOutputs(olds(), ring, served, published, {}).jwks, published, "jwksUri: the served set");
  assert.equal("adminToken" in unchangedOutputs(olds(), ring, served, published, {}), false);
});
