/**
 * Fault matrix at the provider level (create and read; update/delete/renewal in provider-faults-update.test.ts): the provider object as the engine runs it, against the
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
  RENEW,
  SEED_REG,
  assertConsistent,
  assertFired,
  clientPath,
  regPath,
  rule,
  thrownClean,
  withEnv,
  type FaultEnv,
} from "../support/fault-env";
import type { DcrOutputs } from "../../provider/types";

/**
 * A fresh RAT for a client, issued the way each IdP's admin would: the seed's admin API (what the
 * error message names), oidc-provider's own token API (it has no HTTP admin API).
 */
async function adminRat(env: FaultEnv, clientId: string): Promise<string> {
  if (env.oidc) return env.oidc.issueRegistrationAccessToken(clientId);
  const seed = env.seed as NonNullable<FaultEnv["seed"]>;
  const res = await fetch(`${seed.baseUrl}${RENEW}${clientId}/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${seed.adminToken}` },
  });
  return ((await res.json()) as { registration_access_token: string }).registration_access_token;
}

// ---- create (POST register: not idempotent) ----------------------------------------------

test("create: a fault before the IdP saw the POST is never retried blindly (ERR_OUTCOME_UNKNOWN), nothing registered", async () => {
  for (const [name, action] of NOT_APPLIED.filter(([n]) => !n.startsWith("delay"))) {
    await withEnv({ flavor: "seed", admin: true }, async (env) => {
      env.proxy.addRule(rule("POST", SEED_REG, action));
      const t = await thrownClean(env, env.provider.create(env.inputs), `create/${name}`);
      assert.equal(t.code, "ERR_OUTCOME_UNKNOWN", `${name}: ${t.text}`);
      assert.equal(env.proxy.count("POST", SEED_REG), 1, `${name}: one POST, no blind retry`);
      assert.equal(env.clientCount(), 0, `${name}: nothing registered`);
      assert.match(t.text, /may have been applied|may have been registered/, name);
      assert.match(t.text, /look the client up in the IdP admin by client_name "bff-seed"/i, name);
      assert.match(
        t.text,
        /POST \/api\/admin\/dcr\/clients\/\{client_id\}\/tokens with an admin token/,
        `${name}: names the configured admin API that mints a RAT`,
      );
      assert.match(t.text, /`adopt` input instead of registering again/, name);
    });
  }
});

test("create: a slow but successful POST registers exactly one client", async () => {
  await withEnv({ flavor: "seed" }, async (env) => {
    env.proxy.addRule(rule("POST", SEED_REG, { kind: "delay", ms: 300 }));
    const created = await env.provider.create(env.inputs);
    assertFired(env, "create/delay");
    assert.equal(env.proxy.count("POST", SEED_REG), 1, "one POST");
    await assertConsistent(env, created.id, created.outs as DcrOutputs, "create/delay");
  });
});

test("create (b): POST applied but the answer lost → no blind retry; the error says how to find and adopt the orphan; adopting it works", async () => {
  for (const flavor of ["seed", "oidc"] as const) {
    for (const [name, action] of [...APPLIED_LOST, ["garbled 201 body", { kind: "garble" }] as [string, FaultAction]]) {
      if (flavor === "oidc" && name !== "connection cut after forwarding") continue; // one oidc row suffices: same code path
      await withEnv({ flavor, admin: true }, async (env) => {
        env.proxy.addRule(rule("POST", regPath(env), action));
        const t = await thrownClean(env, env.provider.create(env.inputs), `create/${flavor}/${name}`);
        assert.equal(t.code, "ERR_OUTCOME_UNKNOWN", `${flavor}/${name}: ${t.text}`);
        assert.equal(env.proxy.count("POST", regPath(env)), 1, `${flavor}/${name}: exactly one POST (no blind retry)`);
        assert.equal(env.clientCount(), 1, `${flavor}/${name}: the IdP registered the client (the orphan)`);
        assert.match(t.text, /may have been applied|probably registered/);
        assert.match(t.text, new RegExp(`look the client up in the IdP admin by client_name "bff-${flavor}"`, "i"));
        assert.match(
          t.text,
          env.seed
            ? /have an admin issue a registration access token for it \(POST \/api\/admin\/dcr\/clients\/\{client_id\}\/tokens with an admin token\)/
            : /have an admin issue a registration access token for it \(in the IdP.s admin console or admin API\)/,
        );
        assert.match(t.text, /clientId and registrationAccessToken via the `adopt` input/);
        // Follow the advice: find the orphan by client_name, have the IdP issue a RAT, adopt it. No second client.
        const orphans = env.idp.clientIds().filter((id) => env.idp.getClient(id)?.client_name === `bff-${flavor}`);
        assert.equal(orphans.length, 1, "the orphan is found by client_name");
        const orphan = orphans[0] as string;
        const checked = await env.provider.check({} as never, {
          ...env.inputs,
          adopt: { clientId: orphan, registrationAccessToken: await adminRat(env, orphan) },
        });
        assert.deepEqual(checked.failures ?? [], []);
        env.proxy.reset();
        const adopted = await env.provider.create(checked.inputs as never);
        assert.equal(adopted.id, orphan);
        assert.equal(env.proxy.count("POST", regPath(env)), 0, "adopted, not registered again");
        await assertConsistent(env, adopted.id, adopted.outs as DcrOutputs, `${flavor}: adopt after ${name}`);
      });
    }
  }
});

test("create: connection refused (nothing sent) is retried, then ERR_IDP_UNAVAILABLE; nothing registered", async () => {
  await withEnv({ flavor: "seed" }, async (env) => {
    await env.proxy.close(); // the port now refuses connections
    const logs: string[] = [];
    const log = console.log;
    console.log = (m: unknown) => void logs.push(String(m));
    let t;
    try {
      t = await thrownClean(env, env.provider.create(env.inputs), "create/refused");
    } finally {
      console.log = log;
    }
    assert.equal(t.code, "ERR_IDP_UNAVAILABLE", t.text);
    assert.match(t.text, /ECONNREFUSED/);
    assert.match(t.text, /gave up after 4 attempts/);
    assert.equal(logs.filter((l) => /retrying in \d+ ms/.test(l)).length, 3, "three retries were logged");
    assert.equal(env.clientCount(), 0);
  });
});

// ---- read (GET: idempotent) ----------------------------------------------------------------

test("read: every transient fault is retried to success, on both IdPs; the RAT stays valid", async () => {
  for (const flavor of ["seed", "oidc"] as const) {
    await withEnv({ flavor }, async (env) => {
      const { id, outs } = await env.createClean();
      for (const [name, action] of [...NOT_APPLIED, ...APPLIED_LOST]) {
        env.proxy.reset();
        env.proxy.addRule(rule("GET", clientPath(env), action));
        const read = await env.provider.read(id, outs);
        assertFired(env, `read/${flavor}/${name}`);
        assert.equal(read.id, id, `${flavor}/${name}`);
        const props = read.props as DcrOutputs;
        const gets = env.proxy.count("GET", clientPath(env));
        assert.equal(gets, action.kind === "delay" ? 1 : 2, `${flavor}/${name}: ${gets} GETs`);
        await assertConsistent(env, id, props, `read/${flavor}/${name}`);
      }
    });
  }
});

test("read: a garbled body is ERR_IDP_RESPONSE; a persistent 503 is ERR_IDP_UNAVAILABLE after 4 attempts", async () => {
  await withEnv({ flavor: "seed" }, async (env) => {
    const { id, outs } = await env.createClean();
    env.proxy.addRule(rule("GET", SEED_REG, { kind: "garble" }));
    const g = await thrownClean(env, env.provider.read(id, outs), "read/garbled", outs);
    assert.equal(g.code, "ERR_IDP_RESPONSE", g.text);
    assert.match(g.text, /malformed JSON/);
    env.proxy.reset();
    env.proxy.addRule(rule("GET", SEED_REG, { kind: "status", status: 503, retryAfter: "0" }, Infinity));
    const u = await thrownClean(env, env.provider.read(id, outs), "read/503", outs);
    assert.equal(u.code, "ERR_IDP_UNAVAILABLE", u.text);
    assert.equal(env.proxy.count("GET"), 4, "1 attempt + 3 retries, bounded");
    env.proxy.clearRules();
    await assertConsistent(env, id, outs, "read/persistent 503: old state still valid");
  });
});
