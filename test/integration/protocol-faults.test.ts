/**
 * Retries, timeouts and broken answers, injected into the seed-style IdP: 429 + Retry-After,
 * 5xx, a POST whose outcome is unknown, slow answers, malformed bodies, unsafe URLs — and no
 * token value in any message.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp, type SeedIdp } from "../support/seed-idp";
import {
  discoverRegistrationEndpoint,
  readClient,
  register,
  updateClient,
  deleteClient,
} from "../../provider/protocol/registration";
import type { ClientHandle } from "../../provider/protocol/types";
import {
  countingFetch,
  FAST,
  settledCount,
  trackSecrets,
  handleSecrets,
  rejection,
  type Json,
} from "./protocol-support";

const CLIENT_URI = "/api/oidc/register/";
const METADATA: Json = {
  client_name: "bff-faults",
  client_id: "bff-server",
  redirect_uris: ["https://bff.example.com/cb"],
};

async function withClient(fn: (idp: SeedIdp, handle: ClientHandle, secrets: string[]) => Promise<void>): Promise<void> {
  const idp = await startSeedIdp();
  try {
    const { handle } = await register(idp.registrationEndpoint, METADATA, idp.initialAccessToken, FAST);
    trackSecrets(idp.initialAccessToken, idp.adminToken, handle);
    idp.requests.reset();
    await fn(idp, handle, [idp.initialAccessToken, idp.adminToken, ...handleSecrets(handle)]);
  } finally {
    await idp.close();
  }
}

const log = (idp: SeedIdp) => idp.requests.entries.map((e) => `${e.method} ${e.status}`);

test("429 with Retry-After is honoured (capped by maxRetryAfterMs), then the read succeeds", async () => {
  await withClient(async (idp, handle) => {
    idp.failNext({ status: 429, method: "GET", pathPrefix: CLIENT_URI, retryAfter: "1" });
    const messages: string[] = [];
    let started = performance.now();
    await readClient(handle, { ...FAST, retryBaseMs: 1, log: (m) => messages.push(m) });
    assert.ok(performance.now() - started >= 950, "waited the Retry-After second, not the 1 ms backoff");
    assert.deepEqual(log(idp), ["GET 429", "GET 200"]);
    assert.match(messages.join("\n"), /429 slow_down.*retrying in 1000 ms \(attempt 2 of 4\)/);

    idp.requests.reset();
    messages.length = 0;
    idp.failNext({ status: 429, method: "PATCH", retryAfter: new Date(Date.now() + 3_600_000).toUTCString() });
    started = performance.now();
    await updateClient(handle, { client_name: "later" }, "PATCH", {
      ...FAST,
      maxRetryAfterMs: 200,
      log: (m) => messages.push(m),
    });
    assert.ok(performance.now() - started >= 190, "waited the capped Retry-After");
    assert.match(
      messages.join("\n"),
      /429 slow_down.*retrying in 200 ms \(attempt 2 of 4\)/,
      "an HTTP-date an hour away is capped to 200 ms",
    );
    assert.deepEqual(log(idp), ["PATCH 429", "PATCH 200"]);
  });
});

test("503 then success for GET, PATCH and DELETE; persistent 5xx → ERR_IDP_UNAVAILABLE after the bounded attempts", async () => {
  await withClient(async (idp, handle, secrets) => {
    idp.failNext({ status: 503, method: "GET" });
    await readClient(handle, FAST);
    idp.failNext({ status: 502, method: "PATCH", body: "<html>bad gateway</html>", contentType: "text/html" });
    await updateClient(handle, { client_name: "x" }, "PATCH", FAST);
    assert.deepEqual(log(idp), ["GET 503", "GET 200", "PATCH 502", "PATCH 200"]);

    idp.requests.reset();
    idp.failNext({ status: 503, count: 3, method: "GET" });
    const e = await rejection(
      readClient(handle, { ...FAST, retries: 2 }),
      "ERR_IDP_UNAVAILABLE",
      [/GET http:\/\/127\.0\.0\.1:\d+\/api\/oidc\/register\/bff-server answered 503/, /3 attempts/],
      secrets,
    );
    assert.equal(e.status, 503);
    assert.equal(idp.requests.count("GET"), 3);

    idp.requests.reset();
    idp.failNext({ status: 500, method: "GET" });
    await rejection(readClient(handle, { ...FAST, retries: 0 }), "ERR_IDP_UNAVAILABLE", [/500/], secrets);
    assert.equal(idp.requests.count("GET"), 1, "retries: 0 means one attempt");
    idp.requests.reset();
    idp.failNext({ status: 503, method: "DELETE" });
    assert.equal(await deleteClient(handle, FAST), "deleted");
    assert.deepEqual(log(idp), ["DELETE 503", "DELETE 204"]);
  });
});

test("POST 503 / 429 → ERR_OUTCOME_UNKNOWN with exactly one POST and adoption advice; a slow 201 too (and the client exists)", async () => {
  const idp = await startSeedIdp();
  trackSecrets(idp.initialAccessToken);
  try {
    const secrets = [idp.initialAccessToken];
    for (const status of [503, 429]) {
      idp.requests.reset();
      idp.failNext({ status, method: "POST", retryAfter: "0" });
      const e = await rejection(
        register(idp.registrationEndpoint, METADATA, idp.initialAccessToken, FAST),
        "ERR_OUTCOME_UNKNOWN",
        [
          new RegExp(`answered ${status}`),
          /may have been applied/,
          /client_name "bff-faults"/,
          /client_id "bff-server"/,
          /`adopt`/,
        ],
        secrets,
      );
      assert.equal(e.status, status);
      assert.equal(idp.requests.count("POST"), 1, "a registration is never retried after it was sent");
    }

    idp.requests.reset();
    idp.setDelay(400);
    await rejection(
      register(idp.registrationEndpoint, METADATA, idp.initialAccessToken, { ...FAST, timeoutMs: 100 }),
      "ERR_OUTCOME_UNKNOWN",
      [/did not answer within 100 ms/, /`adopt`/],
      secrets,
    );
    assert.equal(await settledCount(() => idp.requests.count("POST"), 1), 1);
    idp.setDelay(0);
    assert.deepEqual(idp.clientIds(), ["bff-server"], "the timed-out registration did happen: hence 'outcome unknown'");
  } finally {
    await idp.close();
  }
});

test("a slow IdP: each attempt times out → ERR_IDP_UNAVAILABLE naming the URL (no query) and the timeout, attempts bounded", async () => {
  await withClient(async (idp, handle, secrets) => {
    idp.setDelay(10_000);
    const e = await rejection(
      readClient(handle, { ...FAST, timeoutMs: 100, retries: 2 }),
      "ERR_IDP_UNAVAILABLE",
      [
        /GET http:\/\/127\.0\.0\.1:\d+\/api\/oidc\/register\/bff-server did not answer within 100 ms \(gave up after 3 attempts\)/,
      ],
      secrets,
    );
    assert.ok(!e.message.includes("?"));
    assert.equal(await settledCount(() => idp.requests.count("GET"), 3), 3);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(idp.requests.count("GET"), 3, "no fourth attempt");
  });
});

test("malformed JSON and wrong content types: ERR_IDP_RESPONSE on reads, ERR_OUTCOME_UNKNOWN after a registration", async () => {
  await withClient(async (idp, handle, secrets) => {
    idp.failNext({ status: 200, method: "GET", body: '{"client_id": "bff-server", ' });
    const garbled = await rejection(
      readClient(handle, FAST),
      "ERR_IDP_RESPONSE",
      [/answered 200 with malformed JSON \(28 bytes of application\/json; parsing failed at position 28\)/],
      secrets,
    );
    assert.doesNotMatch(garbled.message, /"client_id"/, "a 2xx body is described, never quoted");
    idp.failNext({ status: 200, method: "PATCH", body: "<html>ok</html>", contentType: "text/html" });
    await rejection(
      updateClient(handle, { client_name: "y" }, "PATCH", FAST),
      "ERR_IDP_RESPONSE",
      [/content-type "text\/html", expected application\/json/],
      secrets,
    );
    idp.failNext({ status: 200, method: "GET", body: "[1,2]" });
    await rejection(readClient(handle, FAST), "ERR_IDP_RESPONSE", [/not an object/], secrets);
    idp.failNext({
      status: 200,
      method: "GET",
      body: JSON.stringify({ client_id: "bff-server", jwks: { keys: "nope" } }),
    });
    await rejection(readClient(handle, FAST), "ERR_IDP_RESPONSE", [/malformed at "jwks\.keys"/], secrets);
    assert.equal(idp.requests.count("GET"), 3, "a broken body is not retried");

    idp.failNext({ status: 201, method: "POST", body: "{garbled" });
    await rejection(
      register(idp.registrationEndpoint, { client_name: "other" }, idp.initialAccessToken, FAST),
      "ERR_OUTCOME_UNKNOWN",
      [/malformed JSON/, /client_name "other"/, /`adopt`/],
      secrets,
    );
  });
});

test("error bodies: RFC errors quoted, HTML truncated, and tokens the IdP echoes never reach the message", async () => {
  await withClient(async (idp, handle, secrets) => {
    const rat = handle.registrationAccessToken;
    idp.failNext({
      status: 400,
      method: "PATCH",
      body: JSON.stringify({
        error: "invalid_client_metadata",
        error_description: `token ${rat} may not do this; admin ${idp.adminToken}`,
      }),
    });
    const e = await rejection(
      updateClient(handle, { client_name: "z" }, "PATCH", { ...FAST, adminToken: idp.adminToken }),
      "ERR_IDP_REJECTED",
      [/400 invalid_client_metadata: token \[redacted\] may not do this/],
      secrets,
    );
    assert.equal(e.idpError, "invalid_client_metadata");

    idp.failNext({
      status: 418,
      method: "GET",
      body: `<html><body>${"teapot ".repeat(100)} Authorization: Bearer ${rat}</body></html>`,
      contentType: "text/html",
    });
    const html = await rejection(
      readClient(handle, FAST),
      "ERR_IDP_REJECTED",
      [/418 <html><body>teapot/, /more characters\)/],
      secrets,
    );
    assert.ok(html.message.length < 900, "the body excerpt is truncated");

    idp.failNext({
      status: 400,
      method: "POST",
      body: `raw echo: ${idp.initialAccessToken} registration_access_token=${rat}`,
      contentType: "text/plain",
    });
    await rejection(
      register(idp.registrationEndpoint, { client_name: "p" }, idp.initialAccessToken, FAST),
      "ERR_IDP_REJECTED",
      [/raw echo: \[redacted\]/],
      secrets,
    );

    idp.failNext({
      status: 403,
      method: "POST",
      body: JSON.stringify({ error: "access_denied", error_description: `bad iat ${idp.initialAccessToken}` }),
    });
    await rejection(
      register(idp.registrationEndpoint, { client_name: "q" }, idp.initialAccessToken, FAST),
      "ERR_IAT_INVALID",
      [/403/],
      secrets,
    );

    idp.failNext({
      status: 503,
      count: 5,
      method: "GET",
      body: JSON.stringify({ error: "temporarily_unavailable", error_description: `try later, ${rat}` }),
    });
    const logged: string[] = [];
    await rejection(
      readClient(handle, { ...FAST, retries: 1, log: (m) => logged.push(m) }),
      "ERR_IDP_UNAVAILABLE",
      [/503 temporarily_unavailable: try later, \[redacted\]/],
      secrets,
    );
    assert.ok(logged.length > 0 && logged.every((m) => !m.includes(rat)), "log lines are redacted too");
  });
});

test("unsafe URLs are refused before any request: http on a non-loopback host, credentials in the URL", async () => {
  const handle: ClientHandle = {
    clientId: "c",
    registrationClientUri: "http://idp.example.com/reg/c",
    registrationAccessToken: "rat-value-0123456789",
  };
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      "register",
      () => register("http://idp.example.com/reg", METADATA, "iat-value-0123456789", FAST),
      /"registrationEndpoint" must be an https URL/,
    ],
    ["discover", () => discoverRegistrationEndpoint("http://idp.example.com", FAST), /"issuer" must be an https URL/],
    ["read", () => readClient(handle, FAST), /"registrationClientUri" must be an https URL/],
    ["update", () => updateClient(handle, { client_name: "x" }, "PATCH", FAST), /"registrationClientUri"/],
    ["delete", () => deleteClient(handle, FAST), /"registrationClientUri"/],
    [
      "credentials",
      () => register("https://user:pw@idp.example.com/reg", METADATA, "iat-value-0123456789", FAST),
      /must not contain credentials/,
    ],
  ];
  for (const [name, call, words] of cases) {
    const { calls, result } = await countingFetch(call);
    assert.equal(calls, 0, `${name}: no request`);
    assert.equal(result.status, "rejected", name);
    await rejection(
      Promise.reject((result as PromiseRejectedResult).reason),
      "ERR_CONFIG",
      [words],
      ["rat-value-0123456789", "iat-value-0123456789", "pw"],
    );
  }
  await rejection(
    register("https://idp.example.com/reg", { jwks: { keys: [{ kty: "EC", d: "secret-d" }] } }, "iat", FAST),
    "ERR_CONFIG",
    [/private key material in jwks\.keys\[0\] \(members d\)/],
    ["secret-d"],
  );
});
