/** check(): every bad input fails naming its property; good config strings are parsed. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { check } from "../../provider/dynamic";
import { UNKNOWN, validateInputs } from "../../provider/validate";
import { BAD_INPUTS } from "../support/bad-inputs";
import { leaks } from "../support/secrets";
import type { DcrInputs } from "../../provider/types";

const BASE = { registrationEndpoint: "https://idp.example.com/api/oidc/register", initialAccessToken: "iat-value" };

test(`the bad-input corpus (${BAD_INPUTS.length} cases) fails in check, naming the property`, async () => {
  assert.ok(BAD_INPUTS.length >= 30);
  for (const c of BAD_INPUTS) {
    const news = { ...BASE, ...c.inputs } as unknown as DcrInputs;
    const { failures } = await check({} as DcrInputs, news);
    const hit = failures?.find((f) => f.property === c.property);
    assert.ok(hit, `${c.name}: expected a failure for "${c.property}", got ${JSON.stringify(failures)}`);
    assert.match(hit.reason, c.reason, `${c.name}: reason`);
    assert.deepEqual(
      leaks(JSON.stringify(failures), [BASE.initialAccessToken, c.inputs.signingKeyPem]),
      [],
      `${c.name}: no secret in reasons`,
    );
  }
});

test("config strings are parsed: numbers, booleans, lists, JSON objects, upper/lower case enums", () => {
  const { inputs, failures } = validateInputs({
    ...BASE,
    rotateAfterDays: "30",
    retireAfterDays: "0",
    maxKeys: "3",
    rotationSafe: "true",
    redirectUris: "https://a.example.com/cb, https://b.example.com/cb",
    metadata: '{"client_uri":"https://app.example.com"}',
    updateMethod: "patch",
    redirectUpdateMode: "MERGE",
    adopt: '{"client_id":"bff-server","registration_access_token":"rat"}',
  });
  assert.deepEqual(failures, []);
  assert.equal(inputs.rotateAfterDays, 30);
  assert.equal(inputs.retireAfterDays, 0);
  assert.equal(inputs.rotationSafe, true);
  assert.deepEqual(inputs.redirectUris, ["https://a.example.com/cb", "https://b.example.com/cb"]);
  assert.deepEqual(inputs.metadata, { client_uri: "https://app.example.com" });
  assert.equal(inputs.updateMethod, "PATCH");
  assert.equal(inputs.redirectUpdateMode, "merge");
  assert.deepEqual(inputs.adopt, { clientId: "bff-server", registrationAccessToken: "rat" });
});

test("redirectUris from config: space separated (DCR_REDIRECT_URIS), comma separated, or a JSON list", () => {
  const want = ["https://a.example.com/cb", "https://b.example.com/cb"];
  for (const given of [
    "https://a.example.com/cb https://b.example.com/cb",
    "https://a.example.com/cb,https://b.example.com/cb",
    JSON.stringify(want),
    " https://a.example.com/cb\nhttps://b.example.com/cb ",
  ]) {
    const { inputs, failures } = validateInputs({ ...BASE, redirectUris: given });
    assert.deepEqual(failures, [], given);
    assert.deepEqual(inputs.redirectUris, want, given);
  }
});

test("http is accepted on loopback; custom reverse-domain redirect schemes are accepted", () => {
  const { failures } = validateInputs({
    registrationEndpoint: "http://127.0.0.1:8080/reg",
    redirectUris: ["http://localhost:3000/cb", "com.example.app:/callback"],
    pushgatewayUrl: "http://pushgateway.monitoring:9091",
  });
  assert.deepEqual(failures, []);
});

test("values unknown during preview pass unchecked", () => {
  const { inputs, failures } = validateInputs({
    registrationEndpoint: UNKNOWN,
    redirectUris: ["https://a.example.com", UNKNOWN],
  });
  assert.deepEqual(failures, []);
  assert.equal(inputs.registrationEndpoint, UNKNOWN);
});

test("a new client without IAT, adopt or openRegistration fails in check with an admin-action message", async () => {
  const { failures } = await check({} as DcrInputs, { registrationEndpoint: BASE.registrationEndpoint } as DcrInputs);
  assert.equal(failures?.[0]?.property, "initialAccessToken");
  assert.match(failures?.[0]?.reason ?? "", /admin console or admin API.*dcr:initialAccessToken/s);
  const existing = await check(
    { registrationEndpoint: BASE.registrationEndpoint } as DcrInputs,
    { registrationEndpoint: BASE.registrationEndpoint } as DcrInputs,
  );
  assert.deepEqual(existing.failures, [], "removing the IAT after create is fine");
});
