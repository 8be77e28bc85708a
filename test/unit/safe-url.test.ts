/** The URL gate with and without the plain-http opt-in: https by default, never another origin. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertSafeUrl, idpUrl } from "../../provider/protocol/safe-url";
import { isLoopbackHost } from "../../provider/url-rules";
import { validateInputs } from "../../provider/validate";
import { isDcrError } from "../../provider/errors";

const PRIVATE = "http://idp-app:8002/api/oidc/register";

test("plain http to a non-loopback host: refused by default, allowed with allowInsecureHttp", () => {
  assert.throws(
    () => assertSafeUrl(PRIVATE, "registrationEndpoint"),
    (e) => isDcrError(e, "ERR_CONFIG") && /"registrationEndpoint" must be an https URL/.test(e.message),
  );
  assert.equal(assertSafeUrl(PRIVATE, "registrationEndpoint", true).host, "idp-app:8002");
  assert.equal(assertSafeUrl("http://127.0.0.1:9/x", "registrationEndpoint").port, "9", "loopback needs no opt-in");
  const refused = validateInputs({ registrationEndpoint: PRIVATE });
  assert.deepEqual(
    refused.failures.map((f) => f.property),
    ["registrationEndpoint"],
  );
  assert.match(refused.failures[0]!.reason, /allowInsecureHttp/);
  for (const optIn of [true, "true"]) {
    const allowed = validateInputs({
      registrationEndpoint: PRIVATE,
      allowInsecureHttp: optIn,
      redirectUris: ["https://app.example.com/cb"],
    });
    assert.deepEqual(allowed.failures, []);
    assert.equal(allowed.inputs.allowInsecureHttp, true);
  }
  const redirect = validateInputs({
    registrationEndpoint: PRIVATE,
    allowInsecureHttp: true,
    redirectUris: ["http://app.example.com/cb"],
  });
  assert.deepEqual(
    redirect.failures.map((f) => f.property),
    ["redirectUris[0]"],
    "the opt-in covers IdP endpoints, not redirect URIs",
  );
});

test("with plain http allowed, a URL the IdP hands back is still refused on another origin", () => {
  const origin = "http://idp-app:8002";
  assert.equal(
    idpUrl(`${origin}/api/oidc/register/c1`, "registration_client_uri", origin).href,
    `${origin}/api/oidc/register/c1`,
  );
  for (const other of [
    "http://idp-app:8003/api/oidc/register/c1",
    "http://evil.example.com/api/oidc/register/c1",
    "https://idp-app:8002/x",
  ]) {
    assert.throws(
      () => idpUrl(other, "registration_client_uri", origin, true),
      (e) => isDcrError(e, "ERR_IDP_RESPONSE") && /another origin/.test(e.message),
      other,
    );
  }
});

test("the stand-in for a remote host in the engine test is not loopback to the gate", () => {
  // test/e2e/insecure-http.test.ts reaches a loopback server as [::ffff:127.0.0.1]; if the gate
  // ever counts IPv4-mapped loopback as loopback, that test must pick another stand-in.
  assert.equal(isLoopbackHost(new URL("http://[::ffff:127.0.0.1]:1/").hostname), false);
});
