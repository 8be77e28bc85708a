/** planDiff and the metadata mapping: pure, table-driven. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { planDiff } from "../../provider/plan/diff";
import { desiredRecord } from "../../provider/plan/metadata";
import { deepEqual } from "../../provider/json";
import { wantedMembers } from "../../provider/plan/owned";
import type { DcrInputs, DcrOutputs } from "../../provider/types";

const EP = "https://idp.example.com/api/oidc/register";
const T0 = "2026-11-01T00:00:00.000Z";

function outputs(inputs: DcrInputs, over: Partial<DcrOutputs> = {}): DcrOutputs {
  const desired = desiredRecord(inputs, EP);
  return {
    clientId: "c1",
    registrationClientUri: `${EP}/c1`,
    registrationAccessToken: "rat",
    registrationEndpoint: EP,
    jwks: {
      keys: [{ kty: "EC", kid: "dcr-20261101T000000Z", alg: "ES256", use: "sig", crv: "P-256", x: "x", y: "y" }],
    },
    activeKid: "dcr-20261101T000000Z",
    privateKeyPem: "pem",
    privateJwks: { keys: [] },
    keys: [{ kid: "dcr-20261101T000000Z", alg: "ES256", createdAt: T0 }],
    redirectUris: inputs.redirectUris ?? [],
    metadata: {
      token_endpoint_auth_method: "private_key_jwt",
      token_endpoint_auth_signing_alg: "ES256",
      client_name: inputs.clientName,
    },
    usedKids: ["dcr-20261101T000000Z"],
    desired,
    ...over,
  };
}

const base: DcrInputs = {
  registrationEndpoint: EP,
  keyAlgorithm: "ES256",
  clientName: "bff",
  redirectUris: ["https://a.example.com/cb"],
};
const day = (n: number) => new Date(Date.parse(T0) + n * 86400_000);

test("no change, no drift, nothing due → no changes", () => {
  const d = planDiff(outputs(base), desiredRecord(base, EP), day(1));
  assert.deepEqual(d, { changes: false, replaces: [], reasons: [], properties: [], keyEvents: [] });
});

test("IAT and admin token changes are ignored (not part of the desired record)", () => {
  const d = planDiff(outputs(base), desiredRecord({ ...base, initialAccessToken: "new", adminToken: "x" }, EP), day(1));
  assert.equal(d.changes, false);
});

test("identity changes replace: endpoint, issuer, desired clientId", () => {
  assert.deepEqual(planDiff(outputs(base), desiredRecord(base, "https://other.example.com/reg"), day(1)).replaces, [
    "registrationEndpoint",
  ]);
  assert.deepEqual(planDiff(outputs(base), desiredRecord({ ...base, clientId: "bff-server" }, EP), day(1)).replaces, [
    "clientId",
  ]);
});

test("rotation due after rotateAfterDays, and retirement due, show as changes", () => {
  assert.equal(planDiff(outputs(base), desiredRecord(base, EP), day(29)).changes, false);
  const d = planDiff(outputs(base), desiredRecord(base, EP), day(31));
  assert.equal(d.changes, true);
  assert.match(d.reasons.join(), /due/);
});

test("keyEvents: the due key steps when time alone changes jwks; none when jwks also drifted", () => {
  const kid = "dcr-20261101T000000Z";
  assert.deepEqual(planDiff(outputs(base), desiredRecord(base, EP), day(29)).keyEvents, []);
  assert.deepEqual(planDiff(outputs(base), desiredRecord(base, EP), day(31)).keyEvents, [{ kind: "rotate", kid }]);
  const older = { kid: "dcr-20261001T000000Z", alg: "ES256" as const, createdAt: "2026-10-01T00:00:00.000Z" };
  const two = outputs(base, {
    keys: [{ kid, alg: "ES256", createdAt: T0 }, older],
    usedKids: [kid, older.kid],
    jwks: {
      keys: [
        { kty: "EC", kid },
        { kty: "EC", kid: older.kid },
      ],
    } as DcrOutputs["jwks"],
  });
  assert.deepEqual(planDiff(two, desiredRecord(base, EP), day(31)).keyEvents, [
    { kind: "retire", kid: older.kid },
    { kind: "rotate", kid },
  ]);
  const drifted = outputs(base, { jwks: { keys: [] } });
  assert.deepEqual(planDiff(drifted, desiredRecord(base, EP), day(31)).keyEvents, [], "drift: jwks as a whole");
});

test("drift: redirect URIs changed at the IdP (auto) vs merge mode extra URI", () => {
  const drifted = outputs(base, { redirectUris: ["https://evil.example.com/cb"] });
  assert.equal(planDiff(drifted, desiredRecord(base, EP), day(1)).changes, true);
  const merge = { ...base, redirectUpdateMode: "merge" as const };
  const extra = outputs(merge, { redirectUris: ["https://a.example.com/cb", "https://extra.example.com/cb"] });
  assert.equal(
    planDiff(extra, desiredRecord(merge, EP), day(1)).changes,
    false,
    "an extra URI is not drift in merge mode",
  );
});

test("drift: our active kid removed at the IdP", () => {
  const d = planDiff(outputs(base, { jwks: { keys: [] } }), desiredRecord(base, EP), day(1));
  assert.equal(d.changes, true);
  assert.match(d.reasons.join(), /missing at the IdP/);
});

test("drift: an owned metadata value changed at the IdP; unowned members are not compared", () => {
  const changed = outputs(base, {
    metadata: {
      token_endpoint_auth_method: "private_key_jwt",
      token_endpoint_auth_signing_alg: "ES256",
      client_name: "renamed",
      contacts: ["x@example.com"],
    },
  });
  const d = planDiff(changed, desiredRecord(base, EP), day(1));
  assert.deepEqual(d.reasons, ["client_name: drift at the IdP"]);
  assert.deepEqual(d.properties, ["metadata"]);
});

test("registration body: owned fields, default auth method and signing alg, never jwks and jwks_uri together", () => {
  const jwks = { keys: [] };
  const body = wantedMembers(desiredRecord({ ...base, profile: "code-flow-pkjwt" }, EP), jwks, undefined);
  assert.deepEqual(body, {
    token_endpoint_auth_method: "private_key_jwt",
    token_endpoint_auth_signing_alg: "ES256",
    client_name: "bff",
    profile: "code-flow-pkjwt",
    jwks,
    redirect_uris: ["https://a.example.com/cb"],
  });
  const withUri = wantedMembers(
    desiredRecord({ ...base, jwksUri: "https://app.example.com/jwks" }, EP),
    jwks,
    undefined,
  );
  assert.equal(withUri.jwks_uri, "https://app.example.com/jwks");
  assert.equal("jwks" in withUri, false);
  const ownAlg = wantedMembers(
    desiredRecord({ ...base, metadata: { token_endpoint_auth_signing_alg: "ES384" } }, EP),
    jwks,
    undefined,
  );
  assert.equal(ownAlg.token_endpoint_auth_signing_alg, "ES384", "metadata wins over keyAlgorithm");
  const secretAuth = wantedMembers(
    desiredRecord({ ...base, metadata: { token_endpoint_auth_method: "client_secret_basic" } }, EP),
    jwks,
    undefined,
  );
  assert.equal("token_endpoint_auth_signing_alg" in secretAuth, false, "no signing alg for secret-based auth");
});

test("deepEqual ignores member order and undefined members, not array order", () => {
  assert.ok(deepEqual({ a: 1, b: [1, 2], c: undefined }, { b: [1, 2], a: 1 }));
  assert.ok(!deepEqual([1, 2], [2, 1]));
});
