/**
 * Servers that bend RFC 7592 in how they refuse or expire a registration access token, through the
 * real engine against the seed-style fixture: a refused RAT answered 400 `access_denied` or
 * `invalid_token` instead of 401 (renewed through the admin API when one is configured, else an
 * actionable ERR_RAT_INVALID), and RATs issued as JWTs that expire with no renewal (a warning at
 * create, "expired at" once refused after exp).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { failure } from "../support/engine-ops";
import { leaks } from "../support/secrets";
import { outcome, REDIRECT, REDIRECT_2, withBentSeed } from "../support/bent-stack";

const REFUSED = /refused the registration access token/;

test('a refused RAT answered 400 "access_denied": ERR_RAT_INVALID without admin token, renewed with one', async () => {
  await withBentSeed({ refusedTokenAs400: "access_denied" }, {}, async ({ idp, stack, args }) => {
    // At registration the same answer refuses the Initial Access Token.
    await stack.stack.setConfig("dcr:initialAccessToken", { value: "not-the-iat-0123456789", secret: true });
    const registering = await failure(stack.up());
    assert.match(registering, /\[ERR_IAT_INVALID\] /, registering);
    assert.deepEqual(idp.clientIds(), [], "nothing registered");
    await stack.stack.setConfig("dcr:initialAccessToken", { value: idp.initialAccessToken, secret: true });

    await stack.up();
    const id = (await stack.outputsOf("bff")).clientId as string;
    idp.revokeRat(id);

    // An up that must update: the PATCH is refused with 400 access_denied and there is no admin API.
    stack.args = { bff: { ...args, redirectUris: [REDIRECT, REDIRECT_2] } };
    idp.requests.reset();
    const message = await failure(stack.up());
    assert.match(message, /\[ERR_RAT_INVALID\] /, message);
    assert.match(message, REFUSED);
    assert.equal(idp.requests.count("POST"), 0, "never re-registered, nothing renewed");
    assert.deepEqual(idp.getClient(id)?.redirect_uris, [REDIRECT], "nothing changed at the IdP");

    // With the admin token the RAT is renewed and the PATCH sent again.
    await stack.stack.setConfig("dcr:adminToken", { value: idp.adminToken, secret: true });
    idp.requests.reset();
    await stack.up();
    assert.deepEqual(
      idp.requests.entries.map((e) => `${e.method} ${e.status}`),
      ["PATCH 400", "POST 201", "PATCH 200"],
      "PATCH refused with 400, RAT renewed, PATCH again",
    );
    assert.equal(idp.requests.count("POST", "/api/admin/dcr/clients/"), 1);
    assert.deepEqual(idp.getClient(id)?.redirect_uris, [REDIRECT, REDIRECT_2]);
    assert.equal((await stack.outputsOf("bff")).registrationAccessToken, idp.currentRat(id), "the renewed RAT is kept");
    await stack.destroy();
    assert.equal(idp.getClient(id), undefined);
  });
});

test('a refused RAT answered 400 "invalid_token": refresh fails ERR_RAT_INVALID, then renews with the admin token', async () => {
  // refresh runs with the stack config of the last up: the admin token reaches it through a no-op up.
  await withBentSeed({ refusedTokenAs400: "invalid_token" }, {}, async ({ idp, stack }) => {
    await stack.up();
    const id = (await stack.outputsOf("bff")).clientId as string;
    idp.revokeRat(id);
    idp.requests.reset();
    const message = await failure(stack.refresh());
    assert.match(message, /\[ERR_RAT_INVALID\] /, message);
    assert.match(message, REFUSED);
    assert.equal(idp.requests.count("POST"), 0);
    assert.notEqual(idp.getClient(id), undefined, "the client is untouched");

    await stack.stack.setConfig("dcr:adminToken", { value: idp.adminToken, secret: true });
    idp.requests.reset();
    await stack.up();
    assert.equal(idp.requests.count(), 0, "no-op up: zero requests");
    await stack.refresh();
    assert.deepEqual(
      idp.requests.entries.map((e) => `${e.method} ${e.status}`),
      ["GET 400", "POST 201", "GET 200"],
    );
    assert.equal((await stack.outputsOf("bff")).registrationAccessToken, idp.currentRat(id));
    await stack.destroy();
    assert.equal(idp.getClient(id), undefined);
  });
});

test("a JWT RAT that expires without renewal: one warning at create, then ERR_RAT_INVALID saying when it expired", async () => {
  const ttl = 600;
  await withBentSeed({ jwtRatTtlSeconds: ttl }, {}, async ({ idp, stack, args }) => {
    const created = await stack.up();
    const id = (await stack.outputsOf("bff")).clientId as string;
    const expiresAt = idp.ratExpiresAt(id) as Date;
    assert.ok(expiresAt !== undefined, "the fixture issued a JWT RAT");
    // Pulumi prints a diagnostic on its progress line and again under "Diagnostics": one distinct text.
    const warnings = created.stdout
      .split("\n")
      .filter((l) => /warning: .*registration access token expires at/.test(l))
      .map((l) => l.slice(l.indexOf("warning: ")).trim());
    assert.ok(warnings.length > 0, `a warning at create:\n${created.stdout}`);
    assert.equal(new Set(warnings).size, 1, `one warning:\n${warnings.join("\n")}`);
    assert.ok(warnings[0]?.includes(expiresAt.toISOString().slice(0, 19)), "it names the instant");
    assert.deepEqual(leaks(created.stdout, [idp.currentRat(id)]), [], "the RAT itself is not printed");

    // Still valid: a no-op up sends nothing and warns no more.
    idp.requests.reset();
    const noop = await stack.up();
    assert.equal(idp.requests.count(), 0, "no-op up: zero requests");
    assert.doesNotMatch(noop.stdout, /registration access token expires at/);

    // An hour later, at the fixture and for the provider: refused, and the message says it expired.
    idp.advanceClock(3600);
    stack.setEnv("DCR_NOW", new Date(Date.now() + 3600_000).toISOString());
    idp.requests.reset();
    const refreshed = await failure(stack.refresh());
    assert.match(refreshed, /\[ERR_RAT_INVALID\] /, refreshed);
    assert.match(refreshed, /expired at/);
    assert.ok(refreshed.includes(expiresAt.toISOString().slice(0, 19)), "it names the instant it expired");
    assert.equal(idp.requests.count("GET"), 1);

    stack.args = { bff: { ...args, redirectUris: [REDIRECT, REDIRECT_2] } };
    const updated = await outcome(stack.up());
    assert.equal(updated.ok, false);
    assert.match(updated.text, /\[ERR_RAT_INVALID\] /);
    assert.match(updated.text, /expired at/);
    assert.equal(idp.requests.count("POST"), 0, "never re-registered");
    assert.deepEqual(idp.getClient(id)?.redirect_uris, [REDIRECT]);
  });
});
