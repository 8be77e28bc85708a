/**
 * Fault matrix at the provider level (update, delete, RAT renewal; create/read in provider-faults.test.ts): the provider object as the engine runs it, against the
 * seed-style IdP (PATCH, admin RAT renewal) and oidc-provider (GET+PUT, RAT rotated on every PUT),
 * each behind the loopback fault proxy. For create, read, update (PATCH and PUT), delete and RAT
 * renewal, every fault ends either retried to success or in a DcrError with a clear code — and
 * the state handed back stays consistent with the IdP (see assertConsistent in fault-env.ts).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { FaultAction } from "../support/fault-proxy";
import {
  APPLIED_LOST,
  NOT_APPLIED,
  OIDC_REG,
  RENEW,
  SEED_REG,
  assertConsistent,
  assertExactKeys,
  assertFired,
  partialState,
  rotate,
  rule,
  thrownClean,
  withEnv,
  type FaultEnv,
} from "../support/fault-env";
import type { DcrOutputs } from "../../provider/types";

// ---- update with PATCH (seed; RAT rotated on every PATCH) ------------------------------------

test("update/PATCH: faults before the IdP applied it are retried to success", async () => {
  await withEnv({ flavor: "seed", rotateRat: true, admin: true }, async (env) => {
    const created = await env.createClean();
    const id = created.id;
    let outs = created.outs;
    let days = 0;
    for (const [name, action] of NOT_APPLIED) {
      env.proxy.reset();
      env.proxy.addRule(rule("PATCH", SEED_REG, action));
      days += 31;
      const updated = (await env.at(days, () => env.provider.update(id, outs, env.inputs))).outs as DcrOutputs;
      assertFired(env, `patch/${name}`);
      assert.equal(env.proxy.count("POST", RENEW), 0, `${name}: no renewal needed`);
      assert.notEqual(updated.activeKid, outs.activeKid, `${name}: rotated`);
      assert.equal(updated.registrationAccessToken, env.seed?.currentRat(id), `${name}: the rotated RAT is stored`);
      await assertConsistent(env, id, updated, `patch/${name}`);
      assertExactKeys(env, id, updated, `patch/${name}`);
      outs = updated;
    }
  });
});

test("update/PATCH (a): applied with RAT rotation but the answer lost → recovered by admin renewal in the same run", async () => {
  for (const [name, action] of [
    ...APPLIED_LOST,
    ["garbled 200 body (next run recovers)", { kind: "garble" }] as [string, FaultAction],
  ]) {
    await withEnv({ flavor: "seed", rotateRat: true, admin: true }, async (env) => {
      const { id, outs } = await env.createClean();
      env.proxy.addRule(rule("PATCH", SEED_REG, action));
      if (action.kind === "garble") {
        // 200 with a body that is not JSON: the new RAT cannot be read; the error is clear and the next update recovers.
        const t = await thrownClean(env, rotate(env, id, outs), `patch/${name}`, outs);
        assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
        const kept = partialState(t, id, `patch/${name}`);
        assert.equal(kept.activeKid, outs.activeKid, "the unconfirmed key is not recorded as active");
        assert.deepEqual(
          kept.keys.map((k) => k.kid),
          outs.keys.map((k) => k.kid),
          "the unconfirmed key is not recorded",
        );
        const stray = env.kidsAtIdp(id).filter((k) => !outs.keys.some((r) => r.kid === k));
        assert.equal(stray.length, 1, "the IdP applied the PATCH: it holds the unconfirmed key");
        assert.ok(kept.usedKids.includes(stray[0] as string), "the unconfirmed key is recorded as used");
        const again = (await rotate(env, id, kept)).outs as DcrOutputs;
        assert.equal(env.proxy.count("POST", RENEW), 1, "the next run renewed the RAT through the admin API");
        await assertConsistent(env, id, again, `patch/${name}/next run`);
        assertExactKeys(env, id, again, `patch/${name}/next run`);
        return;
      }
      const updated = (await rotate(env, id, outs)).outs as DcrOutputs;
      assertFired(env, `patch/${name}`);
      assert.equal(
        env.proxy.forwarded("PATCH"),
        3,
        `${name}: PATCH (applied, answer lost), PATCH (401), PATCH after renewal`,
      );
      assert.equal(env.proxy.count("POST", RENEW), 1, `${name}: one admin renewal`);
      assert.equal(
        updated.registrationAccessToken,
        env.seed?.currentRat(id),
        `${name}: the RAT in state is the live one`,
      );
      await assertConsistent(env, id, updated, `patch/${name}`);
      assertExactKeys(env, id, updated, `patch/${name}`);
    });
  }
});

test("update/PATCH (a) without an admin token: stops with ERR_RAT_INVALID saying what happened and what to run; nothing re-registered; recovers once an admin token is set", async () => {
  await withEnv({ flavor: "seed", rotateRat: true }, async (env) => {
    const { id, outs } = await env.createClean();
    env.proxy.addRule(rule("PATCH", SEED_REG, { kind: "dropAfter" }));
    const t = await thrownClean(env, rotate(env, id, outs), "patch/no admin", outs);
    assert.equal(t.code, "ERR_RAT_INVALID", t.text);
    assert.match(t.text, /an earlier PATCH attempt got no usable answer/i, "says an earlier attempt's answer was lost");
    assert.match(
      t.text,
      /most likely applied that PATCH and rotated the registration access token/i,
      "says the IdP most likely rotated the token",
    );
    assert.match(t.text, /the new token was lost with that answer/);
    assert.match(t.text, /dcr:adminToken/);
    assert.match(
      t.text,
      /have an IdP admin issue a fresh registration access token for client \S+ \(in the IdP.s admin console or admin API\)/,
      "no IdP-specific path when none is configured",
    );
    assert.match(t.text, /pulumi state delete/);
    assert.match(t.text, /`adopt`/);
    assert.equal(env.proxy.count("POST", SEED_REG), 0, "never re-registered");
    // Partial state: the old keys and RAT stay recorded; the key the IdP got without confirmation is marked used.
    const kept = partialState(t, id, "patch/no admin");
    assert.equal(kept.registrationAccessToken, outs.registrationAccessToken, "no new RAT was received");
    assert.deepEqual(
      kept.keys.map((k) => k.kid),
      outs.keys.map((k) => k.kid),
    );
    const stray = env.kidsAtIdp(id).filter((k) => !outs.keys.some((r) => r.kid === k));
    assert.equal(stray.length, 1, "the IdP applied the PATCH: it holds the unconfirmed key");
    assert.ok(
      kept.usedKids.includes(stray[0] as string),
      "the unconfirmed key is recorded as used (never reused, removed next time)",
    );
    // The fix the message names: set the admin token; the next run renews and converges.
    await env.configure({ ...env.config, "dcr:adminToken": (env.seed as NonNullable<FaultEnv["seed"]>).adminToken });
    const fixed = (await rotate(env, id, kept)).outs as DcrOutputs;
    await assertConsistent(env, id, fixed, "patch/after adminToken");
    assertExactKeys(env, id, fixed, "patch/after adminToken");
    assert.ok(!env.kidsAtIdp(id).includes(stray[0] as string), "the unconfirmed key is gone from the IdP");
  });
});

test("update/PATCH: applied every time but never answered (no RAT rotation) → ERR_IDP_UNAVAILABLE; the unconfirmed key is recorded as used and removed by the next update", async () => {
  await withEnv({ flavor: "seed", rotateRat: false }, async (env) => {
    const { id, outs } = await env.createClean();
    env.proxy.addRule(rule("PATCH", SEED_REG, { kind: "dropAfter" }, Infinity));
    const t = await thrownClean(env, rotate(env, id, outs), "patch/never answered", outs);
    assert.equal(t.code, "ERR_IDP_UNAVAILABLE", t.text);
    assert.equal(env.proxy.count("PATCH"), 4);
    const kept = partialState(t, id, "patch/never answered");
    const stray = env.kidsAtIdp(id).filter((k) => !outs.keys.some((r) => r.kid === k));
    assert.equal(stray.length, 1, "the IdP applied the PATCH: it holds the unconfirmed key");
    assert.ok(kept.usedKids.includes(stray[0] as string), "the unconfirmed key is recorded as used");
    await assertConsistent(env, id, kept, "patch/never answered");
    env.proxy.clearRules();
    const next = (await rotate(env, id, kept)).outs as DcrOutputs;
    await assertConsistent(env, id, next, "patch/next update");
    assertExactKeys(env, id, next, "patch/next update");
    assert.ok(
      !env.kidsAtIdp(id).includes(stray[0] as string),
      "the next update removed the unconfirmed key from the IdP",
    );
  });
});

// ---- update with PUT (oidc-provider: GET + PUT, RAT rotated on every PUT) ---------------------

test("update/PUT: faults on the GET, or on a PUT the IdP did not apply, are retried to success", async () => {
  const rows: [string, "GET" | "PUT", FaultAction][] = [
    ...APPLIED_LOST.map(([n, a]) => [`GET ${n}`, "GET", a] as [string, "GET", FaultAction]),
    ...NOT_APPLIED.map(([n, a]) => [`PUT ${n}`, "PUT", a] as [string, "PUT", FaultAction]),
  ];
  await withEnv({ flavor: "oidc" }, async (env) => {
    const created = await env.createClean();
    const id = created.id;
    let outs = created.outs;
    let days = 0;
    for (const [name, method, action] of rows) {
      env.proxy.reset();
      env.proxy.addRule(rule(method, OIDC_REG + "/", action));
      days += 31;
      const updated = (await env.at(days, () => env.provider.update(id, outs, env.inputs))).outs as DcrOutputs;
      assertFired(env, `put/${name}`);
      assert.notEqual(
        updated.registrationAccessToken,
        outs.registrationAccessToken,
        `${name}: the rotated RAT is stored`,
      );
      await assertConsistent(env, id, updated, `put/${name}`);
      assertExactKeys(env, id, updated, `put/${name}`);
      outs = updated;
    }
  });
});

test("update/PUT (a): PUT applied with RAT rotation but the answer lost, no admin API → ERR_RAT_INVALID saying exactly what happened and how to fix it, again on the next run; never re-registered", async () => {
  for (const [name, action] of APPLIED_LOST) {
    await withEnv({ flavor: "oidc" }, async (env) => {
      const { id, outs } = await env.createClean();
      env.proxy.addRule(rule("PUT", OIDC_REG + "/", action));
      const t = await thrownClean(env, rotate(env, id, outs), `put/${name}`, outs);
      assert.equal(t.code, "ERR_RAT_INVALID", `${name}: ${t.text}`);
      assert.match(t.text, /an earlier PUT attempt got no usable answer/i, `${name}: says the answer was lost`);
      assert.match(
        t.text,
        /most likely applied that PUT and rotated the registration access token/i,
        `${name}: says the IdP most likely rotated the token`,
      );
      assert.match(t.text, /the new token was lost with that answer/, `${name}: says the token was lost`);
      assert.match(t.text, /adopt/);
      assert.match(t.text, /pulumi state delete/);
      const kept = partialState(t, id, `put/${name}`);
      assert.equal(kept.registrationAccessToken, outs.registrationAccessToken, "the old RAT stays recorded");
      assert.deepEqual(
        kept.keys.map((k) => k.kid),
        outs.keys.map((k) => k.kid),
        "old keys stay recorded",
      );
      for (const kid of env.kidsAtIdp(id))
        assert.ok(kept.keys.some((k) => k.kid === kid) || kept.usedKids.includes(kid), `${kid} recorded`);
      // The next run stops the same way, with one GET and no registration.
      env.proxy.reset();
      const again = await thrownClean(env, rotate(env, id, kept), `put/${name}/next run`, kept);
      assert.equal(again.code, "ERR_RAT_INVALID", again.text);
      assert.equal(env.proxy.count("POST"), 0, "never re-registered");
      assert.equal(env.clientCount(), 1);
    });
  }
});

test("update/PUT with RAT rotation off: a lost PUT answer is retried to success", async () => {
  await withEnv({ flavor: "oidc", rotateRat: false }, async (env) => {
    const { id, outs } = await env.createClean();
    env.proxy.addRule(rule("PUT", OIDC_REG + "/", { kind: "dropAfter" }));
    const updated = (await rotate(env, id, outs)).outs as DcrOutputs;
    assertFired(env, "put/no rotation");
    assert.equal(env.proxy.forwarded("PUT"), 2);
    await assertConsistent(env, id, updated, "put/no rotation");
    assertExactKeys(env, id, updated, "put/no rotation");
  });
});

// ---- delete (DELETE: idempotent) -----------------------------------------------------------

test("delete: transient faults are retried; a lost answer on the seed IdP ends as 'already gone'", async () => {
  for (const [name, action] of [...NOT_APPLIED, ...APPLIED_LOST]) {
    await withEnv({ flavor: "seed" }, async (env) => {
      const { id, outs } = await env.createClean();
      env.proxy.addRule(rule("DELETE", SEED_REG, action));
      await env.provider.delete(id, outs);
      assertFired(env, `delete/${name}`);
      assert.equal(env.seed?.getClient(id), undefined, `${name}: deleted`);
      // What the IdP answered the DELETEs that reached it: a lost answer is retried and the retry finds the client gone.
      const answered = env.proxy.requests
        .filter((e) => e.method === "DELETE" && e.forwarded)
        .map((e) => e.upstreamStatus);
      const lost = APPLIED_LOST.some(([n]) => n === name);
      assert.deepEqual(answered, lost ? [204, 404] : [204], `${name}: DELETE answers at the IdP`);
    });
  }
});

test("delete on oidc-provider with the answer lost: the retry gets 401 (RFC 7592 ambiguity) → ERR_RAT_INVALID naming `pulumi state delete`", async () => {
  await withEnv({ flavor: "oidc" }, async (env) => {
    const { id, outs } = await env.createClean();
    env.proxy.addRule(rule("DELETE", OIDC_REG + "/", { kind: "dropAfter" }));
    const t = await thrownClean(env, env.provider.delete(id, outs), "delete/oidc", outs);
    assert.equal(t.code, "ERR_RAT_INVALID", t.text);
    assert.equal(env.oidc?.getClient(id), undefined, "the client is in fact deleted");
    assert.match(t.text, /an earlier (PATCH|PUT|DELETE) attempt got no usable answer/i);
    assert.match(t.text, /pulumi state delete/);
  });
});

test("delete: a persistent 503 is ERR_IDP_UNAVAILABLE and the client is still there", async () => {
  await withEnv({ flavor: "seed" }, async (env) => {
    const { id, outs } = await env.createClean();
    env.proxy.addRule(rule("DELETE", SEED_REG, { kind: "status", status: 503, retryAfter: "0" }, Infinity));
    const t = await thrownClean(env, env.provider.delete(id, outs), "delete/503", outs);
    assert.equal(t.code, "ERR_IDP_UNAVAILABLE", t.text);
    assert.equal(env.proxy.count("DELETE"), 4);
    env.proxy.clearRules();
    await assertConsistent(env, id, outs, "delete/503");
  });
});

// ---- RAT renewal (seed admin API) ------------------------------------------------------------

test("RAT renewal: faults on the admin API are retried (a lost answer only costs one token); the renewed RAT is stored", async () => {
  for (const [name, action] of [...NOT_APPLIED, ...APPLIED_LOST]) {
    await withEnv({ flavor: "seed", admin: true }, async (env) => {
      const { id, outs } = await env.createClean();
      env.seed?.revokeRat(id);
      env.proxy.addRule(rule("POST", RENEW, action));
      const updated = (await rotate(env, id, outs)).outs as DcrOutputs;
      assertFired(env, `renew/${name}`);
      assert.equal(updated.registrationAccessToken, env.seed?.currentRat(id), `${name}: the live RAT is stored`);
      await assertConsistent(env, id, updated, `renew/${name}`);
      assertExactKeys(env, id, updated, `renew/${name}`);
    });
  }
});

test("(c) failure after a successful write: renewal succeeded, then the PATCH kept failing → partial-failure state keeps the NEW RAT", async () => {
  await withEnv({ flavor: "seed", admin: true }, async (env) => {
    const { id, outs } = await env.createClean();
    env.seed?.revokeRat(id);
    env.proxy.addRule(rule("PATCH", SEED_REG, { kind: "status", status: 401 }, 1)); // the dead RAT
    env.proxy.addRule(rule("PATCH", SEED_REG, { kind: "status", status: 503, retryAfter: "0" }, Infinity));
    const t = await thrownClean(env, rotate(env, id, outs), "(c)", outs);
    assert.equal(t.code, "ERR_IDP_UNAVAILABLE", t.text);
    const kept = partialState(t, id, "(c)");
    assert.equal(kept.registrationAccessToken, env.seed?.currentRat(id), "the renewed RAT is kept in partial state");
    assert.notEqual(kept.registrationAccessToken, outs.registrationAccessToken);
    assert.match(t.error.message, /kept in state/);
    env.proxy.clearRules();
    await assertConsistent(env, id, kept, "(c) partial state");
    const next = (await rotate(env, id, kept)).outs as DcrOutputs;
    assert.equal(env.proxy.count("POST", RENEW), 1, "no second renewal needed: the kept RAT works");
    assertExactKeys(env, id, next, "(c) next run");
  });
});

test("RAT renewal: admin API down → ERR_IDP_UNAVAILABLE; state keeps the old keys; the next run recovers", async () => {
  await withEnv({ flavor: "seed", admin: true }, async (env) => {
    const { id, outs } = await env.createClean();
    env.seed?.revokeRat(id);
    env.proxy.addRule(rule("POST", RENEW, { kind: "status", status: 503, retryAfter: "0" }, Infinity));
    const t = await thrownClean(env, rotate(env, id, outs), "renewal down", outs);
    assert.equal(t.code, "ERR_IDP_UNAVAILABLE", t.text);
    assert.equal(env.proxy.count("POST", RENEW), 4);
    const kept = partialState(t, id, "renewal down");
    assert.deepEqual(
      kept.keys.map((k) => k.kid),
      outs.keys.map((k) => k.kid),
      "the old keys are kept",
    );
    env.proxy.clearRules();
    const next = (await rotate(env, id, kept)).outs as DcrOutputs;
    await assertConsistent(env, id, next, "renew down/next run");
    assertExactKeys(env, id, next, "renew down/next run");
  });
});

test("garbled answers: an applied PUT (RAT rotated) → ERR_IDP_RESPONSE, then ERR_RAT_INVALID, never re-registered; a garbled renewal → ERR_IDP_RESPONSE, the next run renews again", async () => {
  await withEnv({ flavor: "oidc" }, async (env) => {
    const { id, outs } = await env.createClean();
    env.proxy.addRule(rule("PUT", OIDC_REG + "/", { kind: "garble" }));
    const t = await thrownClean(env, rotate(env, id, outs), "put/garbled", outs);
    assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
    assert.match(t.text, /malformed JSON/);
    const kept = partialState(t, id, "put/garbled");
    assert.deepEqual(
      kept.keys.map((k) => k.kid),
      outs.keys.map((k) => k.kid),
      "the unconfirmed key is not recorded",
    );
    const again = await thrownClean(env, rotate(env, id, kept), "put/garbled next run", kept);
    assert.equal(again.code, "ERR_RAT_INVALID", again.text);
    assert.equal(env.proxy.count("POST"), 0, "never re-registered");
  });
  await withEnv({ flavor: "seed", admin: true }, async (env) => {
    const { id, outs } = await env.createClean();
    env.seed?.revokeRat(id);
    env.proxy.addRule(rule("POST", RENEW, { kind: "garble" }));
    const t = await thrownClean(env, rotate(env, id, outs), "renewal/garbled", outs);
    assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
    const kept = partialState(t, id, "renewal/garbled");
    assert.deepEqual(
      kept.keys.map((k) => k.kid),
      outs.keys.map((k) => k.kid),
      "the old keys are kept",
    );
    const next = (await rotate(env, id, kept)).outs as DcrOutputs;
    assert.equal(env.proxy.count("POST", RENEW), 2, "renewed again on the next run");
    await assertConsistent(env, id, next, "renewal/garbled next run");
    assertExactKeys(env, id, next, "renewal/garbled next run");
  });
});
