/**
 * The drift model (plan/applied.ts, plan/equivalence.ts): what an IdP answered is what it holds.
 * Tables of what real servers do — substitute, drop, reorder — and property tests that a write
 * followed by an unchanged IdP never shows drift.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { afterWrite, describeSubstitution, driftedMembers, expectedAtIdp } from "../../provider/plan/applied";
import { canonical, equivalent } from "../../provider/plan/equivalence";
import { planDiff } from "../../provider/plan/diff";
import { desiredRecord } from "../../provider/plan/metadata";
import type { DcrInputs, DcrOutputs } from "../../provider/types";

test("equivalence: sets, scope tokens, empty = absent, jwks by our kids, everything else exact", () => {
  const cases: [string, unknown, unknown, boolean][] = [
    ["redirect_uris", ["https://b/", "https://a/"], ["https://a/", "https://b/"], true],
    ["grant_types", ["client_credentials", "authorization_code"], ["authorization_code", "client_credentials"], true],
    ["response_types", ["code"], ["code", "none"], false],
    ["contacts", [], undefined, true],
    ["contacts", ["a@x"], undefined, false],
    ["scope", "openid profile", "profile  openid", true],
    ["scope", "openid", "openid email", false],
    ["default_acr_values", ["a", "b"], ["b", "a"], false],
    ["client_name", "bff", "bff", true],
    ["client_name", "bff", "BFF", false],
    [
      "jwks",
      { keys: [{ kid: "k1", use: "sig" }, { kid: "k2" }] },
      { keys: [{ kid: "k2", alg: "ES256" }, { kid: "k1" }] },
      true,
    ],
    ["jwks", { keys: [] }, undefined, true],
  ];
  for (const [m, a, b, same] of cases)
    assert.equal(equivalent(m, a, b), same, `${m}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  const ours = new Set(["k1"]);
  assert.ok(
    equivalent("jwks", { keys: [{ kid: "k1" }] }, { keys: [{ kid: "k1" }, { kid: "foreign" }] }, ours),
    "keys we do not manage never count",
  );
  assert.equal(canonical("contacts", null), null);
});

test("a substituted member is applied as the IdP holds it; only a later move away from that is drift", () => {
  const want = { response_types: ["code"], client_name: "bff" };
  const answer = { response_types: ["none", "code"], client_name: "bff", scope: "added by the IdP" };
  const { applied, substitutions } = afterWrite(want, answer, want, undefined);
  assert.deepEqual(applied, { response_types: { sent: ["code"], held: ["code", "none"] } });
  assert.equal(substitutions.length, 1);
  assert.match(
    describeSubstitution(substitutions[0]!),
    /^response_types: \["code"\] was sent and the IdP holds \["code","none"\]; taken as applied/,
  );
  assert.deepEqual(driftedMembers(want, answer, applied), [], "the IdP's answer is not drift");
  assert.deepEqual(
    driftedMembers(want, { ...answer, response_types: ["code", "none", "token"] }, applied),
    ["response_types"],
    "moving away is drift",
  );
  const changedInput = { ...want, response_types: ["code", "id_token"] };
  assert.deepEqual(
    driftedMembers(changedInput, answer, applied),
    ["response_types"],
    "a new wish is compared with the IdP again",
  );
  assert.deepEqual(expectedAtIdp("response_types", ["code"], applied), ["code", "none"]);
});

test("a dropped member is recorded as not held; the IdP adding it later is drift", () => {
  const want = { contacts: ["ops@example.com"] };
  const { applied, substitutions } = afterWrite(want, {}, want, undefined);
  assert.deepEqual(applied, { contacts: { sent: ["ops@example.com"], held: null } });
  assert.match(describeSubstitution(substitutions[0]!), /did not keep it \(dropped\)/);
  assert.deepEqual(driftedMembers(want, { contacts: [] }, applied), []);
  assert.deepEqual(driftedMembers(want, { contacts: ["intruder@example.com"] }, applied), ["contacts"]);
});

test("a selector (profile) the IdP does not echo is neither drift nor a substitution", () => {
  const want = { profile: "code-flow-pkjwt" };
  assert.deepEqual(afterWrite(want, {}, want, undefined), { applied: {}, substitutions: [] });
  assert.deepEqual(driftedMembers(want, {}, undefined), []);
  assert.deepEqual(driftedMembers(want, { profile: "other" }, undefined), ["profile"]);
});

test("members not sent keep their record while the wish is unchanged; forgotten when no longer owned", () => {
  const previous = { response_types: { sent: ["code"], held: ["code", "none"] } };
  const want = { response_types: ["code"], client_name: "bff" };
  assert.deepEqual(afterWrite({ client_name: "bff" }, { client_name: "bff" }, want, previous).applied, previous);
  assert.deepEqual(
    afterWrite({ client_name: "bff" }, { client_name: "bff" }, { client_name: "bff" }, previous).applied,
    {},
  );
  assert.deepEqual(
    afterWrite({}, {}, { response_types: ["code", "id_token"] }, previous).applied,
    {},
    "a stale record for another wish is dropped",
  );
});

test("property: after any write, an IdP that keeps its answer shows no drift, whatever it substituted", () => {
  const member = fc.constantFrom(
    "redirect_uris",
    "grant_types",
    "response_types",
    "contacts",
    "scope",
    "client_name",
    "jwks",
  );
  const value = (m: string): fc.Arbitrary<unknown> =>
    m === "scope"
      ? fc.array(fc.constantFrom("openid", "email", "profile"), { maxLength: 3 }).map((a) => a.join(" "))
      : m === "client_name"
        ? fc.constantFrom("a", "b")
        : m === "jwks"
          ? fc
              .array(fc.constantFrom("k1", "k2", "k3"), { maxLength: 3 })
              .map((kids) => ({ keys: kids.map((kid) => ({ kid })) }))
          : fc.array(fc.constantFrom("x", "y", "z"), { maxLength: 3 });
  const entry = member.chain((m) => fc.tuple(fc.constant(m), value(m), fc.option(value(m), { nil: undefined })));
  fc.assert(
    fc.property(fc.uniqueArray(entry, { selector: (e) => e[0], maxLength: 5 }), (entries) => {
      const want = Object.fromEntries(entries.map(([m, v]) => [m, v]));
      const answer = Object.fromEntries(entries.map(([m, , held]) => [m, held]));
      const { applied } = afterWrite(want, answer, want, undefined);
      assert.deepEqual(driftedMembers(want, answer, applied), []);
      for (const [m, v, held] of entries) assert.equal(m in applied, !equivalent(m, v, held));
    }),
  );
});

test("planDiff: a Keycloak-like answer recorded at the last write converges (no changes)", () => {
  const EP = "https://idp.example.com/reg";
  const inputs: DcrInputs = {
    registrationEndpoint: EP,
    keyAlgorithm: "ES256",
    redirectUris: ["https://b.example.com/cb", "https://a.example.com/cb"],
    metadata: { response_types: ["code"], contacts: ["ops@example.com"] },
  };
  const desired = desiredRecord(inputs, EP);
  const kid = "dcr-20261101T000000Z";
  const olds: DcrOutputs = {
    clientId: "c1",
    registrationClientUri: `${EP}/c1`,
    registrationAccessToken: "rat",
    registrationEndpoint: EP,
    jwks: {
      keys: [
        { kty: "EC", kid, alg: "ES256", use: "sig" },
        { kty: "EC", kid: "foreign", alg: "ES256", use: "sig" },
      ],
    },
    activeKid: kid,
    privateKeyPem: "pem",
    privateJwks: { keys: [] },
    keys: [{ kid, alg: "ES256", createdAt: "2026-11-01T00:00:00Z" }],
    redirectUris: ["https://a.example.com/cb", "https://b.example.com/cb"],
    metadata: {
      token_endpoint_auth_method: "private_key_jwt",
      token_endpoint_auth_signing_alg: "ES256",
      response_types: ["code", "none"],
      scope: "openid",
    },
    usedKids: [kid],
    desired,
    applied: {
      response_types: { sent: ["code"], held: ["code", "none"] },
      contacts: { sent: ["ops@example.com"], held: null },
    },
  };
  const now = new Date("2026-11-02T00:00:00Z");
  assert.deepEqual(planDiff(olds, desired, now), {
    changes: false,
    replaces: [],
    reasons: [],
    properties: [],
    keyEvents: [],
  });
  const withoutRecord = planDiff({ ...olds, applied: undefined }, desired, now);
  assert.deepEqual(
    withoutRecord.reasons,
    ["response_types: drift at the IdP", "contacts: drift at the IdP"],
    "without the record today's main never converges",
  );
  const moved = planDiff({ ...olds, redirectUris: ["https://a.example.com/cb"] }, desired, now);
  assert.deepEqual(moved.reasons, ["redirect_uris: drift at the IdP"]);
  assert.deepEqual(moved.properties, ["redirectUris"]);
});
