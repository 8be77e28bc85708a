/**
 * Hostile or broken IdP answers, injected by the fault proxy in front of the seed-style IdP: an
 * answer about another client, a registration_client_uri or redirect to another host (which must
 * never receive the RAT), private key members in jwks, bodies far over the read cap, the wrong
 * content-type, and error bodies that echo the caller's tokens (which must be redacted).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { ProxiedResponse } from "../support/fault-proxy";
import {
  assertNoLeak,
  partialState,
  rule,
  startFaultEnv,
  thrownClean,
  type FaultEnv,
  type Thrown,
} from "../support/fault-env";
import { startLoggedServer, type LoggedServer } from "../support/request-log";
import { leaks } from "../support/secrets";
import type { DcrOutputs } from "../../provider/types";

const REG = "/api/oidc/register";

/** A rewrite that edits the JSON body of the IdP's answer. */
function editJson(edit: (body: Record<string, unknown>) => void): (r: ProxiedResponse) => ProxiedResponse {
  return (r) => {
    const body = JSON.parse(r.body.toString("utf8")) as Record<string, unknown>;
    edit(body);
    return { ...r, body: Buffer.from(JSON.stringify(body)) };
  };
}

/**
 * Nothing from a refused answer reaches state: the error carries no partial state (the engine
 * keeps the old outputs), or partial state with the old client and RAT; and none of the answer's
 * `values` appears in it or in the message.
 */
function assertNothingTaken(t: Thrown, outs: DcrOutputs, values: string[], where: string): void {
  const kept = t.error.properties;
  if (kept !== undefined) {
    assert.equal(kept.clientId, outs.clientId, `${where}: partial state keeps the client`);
    assert.equal(kept.registrationAccessToken, outs.registrationAccessToken, `${where}: partial state keeps the RAT`);
  }
  assert.deepEqual(
    leaks(`${JSON.stringify(kept ?? {})}\n${t.text}`, values),
    [],
    `${where}: nothing from the refused answer is kept or shown`,
  );
}

async function withHostile(fn: (env: FaultEnv, evil: LoggedServer) => Promise<void>): Promise<void> {
  const env = await startFaultEnv({ flavor: "seed", admin: true });
  const evil = await startLoggedServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end("{}");
  });
  try {
    await env.configure();
    await fn(env, evil);
    assert.equal(evil.requests.count(), 0, "the other host never got a request (so never a token)");
  } finally {
    await evil.close();
    await env.close();
  }
}

test("an answer about another client_id is refused and nothing from it is used", async () => {
  await withHostile(async (env) => {
    const { id, outs } = await env.createClean();
    const hostileRat = "hostile-token-value-0123456789";
    env.proxy.addRule(
      rule("GET", REG, {
        kind: "rewrite",
        transform: editJson((b) => {
          b.client_id = "someone-else";
          b.registration_access_token = hostileRat;
        }),
      }),
    );
    const t = await thrownClean(env, env.provider.read(id, outs), "another client_id", outs);
    assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
    assert.match(t.text, /answered about client_id "someone-else"/);
    assert.match(t.text, /nothing from this answer was used/);
    assertNothingTaken(t, outs, [hostileRat], "another client_id");
    const again = (await env.provider.read(id, outs)).props as DcrOutputs;
    assert.ok(await env.ratWorks(again), "the next read's state holds a RAT the IdP accepts");
  });
});

test("a registration_client_uri on another host: the RAT is never sent there (registration and read)", async () => {
  await withHostile(async (env, evil) => {
    // At registration: the client exists but cannot be managed safely → ERR_IDP_RESPONSE with the adopt advice.
    env.proxy.addRule(
      rule("POST", REG, {
        kind: "rewrite",
        transform: editJson((b) => {
          b.registration_client_uri = `http://127.0.0.1:${evil.port}/steal/${String(b.client_id)}`;
        }),
      }),
    );
    const t = await thrownClean(env, env.provider.create(env.inputs), "foreign URI at registration");
    assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
    assert.match(t.text, /another origin/);
    assert.match(t.text, /refusing to send the registration access token there/);
    assert.match(t.text, /adopt/);
    // On a later read of a good client: refused, and the next operations still go to the real IdP.
    const { id, outs } = await env.createClean();
    env.proxy.addRule(
      rule("GET", REG, {
        kind: "rewrite",
        transform: editJson((b) => {
          b.registration_client_uri = `http://127.0.0.1:${evil.port}/steal/${id}`;
        }),
      }),
    );
    const r = await thrownClean(env, env.provider.read(id, outs), "foreign URI on read", outs);
    assert.equal(r.code, "ERR_IDP_RESPONSE", r.text);
    assert.match(r.text, /refusing to send the registration access token there/);
    await env.provider.read(id, outs);
    await env.provider.delete(id, outs);
    assert.equal(env.seed?.getClient(id), undefined, "deleted at the real IdP");
  });
});

test("a redirect to another host is not followed (it would carry the token)", async () => {
  await withHostile(async (env, evil) => {
    const { id, outs } = await env.createClean();
    env.proxy.addRule(
      rule("GET", REG, {
        kind: "rewrite",
        transform: () => ({
          status: 307,
          headers: { location: `http://127.0.0.1:${evil.port}/reg/${id}`, "content-type": "text/plain" },
          body: Buffer.from("moved"),
        }),
      }),
    );
    const t = await thrownClean(env, env.provider.read(id, outs), "redirect", outs);
    assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
    assert.match(t.text, /answered 307/);
    assert.match(t.text, /redirects are not followed/);
    assert.equal(env.proxy.count("GET", REG), 1, "not retried");
  });
});

test("private key members in the IdP's jwks are refused, naming the members, never their values", async () => {
  await withHostile(async (env) => {
    const { id, outs } = await env.createClean();
    const d = "hostile-private-exponent-value-AAAAAAAAAAAAAAAAAAAA";
    env.proxy.addRule(
      rule("GET", REG, {
        kind: "rewrite",
        transform: editJson((b) => {
          const jwks = b.jwks as { keys: Record<string, unknown>[] };
          (jwks.keys[0] as Record<string, unknown>).d = d;
        }),
      }),
    );
    const t = await thrownClean(env, env.provider.read(id, outs), "private member on read", outs);
    assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
    assert.match(t.text, /private key material in jwks\.keys\[0\] \(members d\)/);
    assertNoLeak(t.text, [d], "private member value");
    // At registration: the answer is refused, the client exists → clear advice, no second POST.
    env.proxy.addRule(
      rule("POST", REG, {
        kind: "rewrite",
        transform: editJson((b) => {
          ((b.jwks as { keys: Record<string, unknown>[] }).keys[0] as Record<string, unknown>).d = d;
        }),
      }),
    );
    env.proxy.reset();
    const c = await thrownClean(env, env.provider.create(env.inputs), "private member at registration");
    assert.equal(c.code, "ERR_IDP_RESPONSE", c.text);
    assert.equal(env.proxy.count("POST", REG), 1);
    assertNoLeak(c.text, [d], "private member value at registration");
    // The client exists and its answer named it and its RAT: kept as partial state, not lost.
    assert.match(c.text, /the client is kept in state/);
    const kept = partialState(c, c.error.id as string, "private member at registration");
    env.proxy.clearRules();
    assert.ok(await env.ratWorks(kept), "the kept RAT manages the registered client");
  });
});

test("absurdly large bodies are cut at the read cap (1 MiB), declared or chunked, without reading them", async () => {
  await withHostile(async (env) => {
    const { id, outs } = await env.createClean();
    for (const chunked of [false, true]) {
      env.proxy.reset();
      env.proxy.addRule(rule("GET", REG, { kind: "huge", bytes: 200 * 1024 * 1024, chunked }, Infinity));
      const t = await thrownClean(env, env.provider.read(id, outs), `huge chunked=${chunked}`, outs);
      env.proxy.clearRules();
      assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
      assert.match(t.text, /body over 1048576 bytes/);
      assert.equal(env.proxy.count("GET"), 1, "not retried");
      const sent = Math.max(...env.proxy.requests.map((e) => e.bytesSent));
      assert.ok(
        sent < 16 * 1024 * 1024,
        `chunked=${chunked}: only ${sent} of 200 MiB were written before the reader gave up`,
      );
    }
  });
});

test("the wrong content-type is ERR_IDP_RESPONSE that describes the body, never quotes it", async () => {
  await withHostile(async (env) => {
    const { id, outs } = await env.createClean();
    // The body starts by echoing the caller's RAT, as a member and in free text: the excerpt must redact both.
    const rat = outs.registrationAccessToken;
    env.proxy.addRule(
      rule("GET", REG, {
        kind: "rewrite",
        transform: (r) => ({
          ...r,
          headers: { ...r.headers, "content-type": "text/html" },
          body: Buffer.from(
            JSON.stringify({
              registration_access_token: rat,
              note: `issued ${rat}`,
              ...(JSON.parse(r.body.toString("utf8")) as object),
            }),
          ),
        }),
      }),
    );
    const t = await thrownClean(env, env.provider.read(id, outs), "wrong content-type excerpt", outs);
    assert.equal(t.code, "ERR_IDP_RESPONSE", t.text);
    assert.match(t.text, /content-type "text\/html", expected application\/json; the body \(\d+ bytes\) is not quoted/);
    assert.doesNotMatch(t.text, /"note"|issued/, "a 2xx body carries secrets by definition: described, never quoted");
  });
});

test("error bodies that echo the caller's token are redacted (IAT, RAT, admin token)", async () => {
  await withHostile(async (env) => {
    const echo = (req: { headers: Record<string, unknown> }) => {
      const token = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      return JSON.stringify({
        error: "invalid_request",
        error_description: `bad token ${token} (raw: ${token})`,
        registration_access_token: token,
      });
    };
    // IAT echoed by the registration endpoint (400: the IdP refused; nothing registered).
    env.proxy.addRule(rule("POST", REG, { kind: "status", status: 400, body: echo }));
    const reg = await thrownClean(env, env.provider.create(env.inputs), "IAT echo");
    assert.equal(reg.code, "ERR_IDP_REJECTED", reg.text);
    assert.match(reg.text, /\[redacted\]/);
    // RAT echoed by an update.
    const { id, outs } = await env.createClean();
    env.proxy.addRule(rule("PATCH", REG, { kind: "status", status: 400, body: echo }));
    const upd = await thrownClean(
      env,
      env.at(31, () => env.provider.update(id, outs, env.inputs)),
      "RAT echo",
      outs,
    );
    assert.equal(upd.code, "ERR_IDP_REJECTED", upd.text);
    assert.match(upd.text, /\[redacted\]/);
    // Admin token echoed by the renewal API (500, retried, given up).
    env.seed?.revokeRat(id);
    env.proxy.addRule(
      rule("POST", "/api/admin/", { kind: "status", status: 500, retryAfter: "0", body: echo }, Infinity),
    );
    const ren = await thrownClean(
      env,
      env.at(31, () => env.provider.update(id, outs, env.inputs)),
      "admin token echo",
      outs,
    );
    assert.equal(ren.code, "ERR_IDP_UNAVAILABLE", ren.text);
    assert.match(ren.text, /\[redacted\]/);
  });
});
