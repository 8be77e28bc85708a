/**
 * Secret hygiene through the real engine with verbose logging on (`-v=9 --logflow
 * --logtostderr`, the engine's, plugins' and the program's logs in one stream): a lifecycle with
 * admin RAT renewal, a RAT rotated by the IdP, a failed update whose error body echoes the RAT,
 * and Pushgateway metrics, for one client of each key algorithm (RS256, PS256, ES256, EdDSA). Every real token and key value is then searched for in the exported
 * state, the engine's output and logs, and the Pushgateway payloads: zero hits — except in the
 * Pulumi Node SDK's own debug lines that dump RPC responses (documented in docs/reliability.md).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { startFaultProxy } from "../support/fault-proxy";
import { startLoggedServer } from "../support/request-log";
import { createDcrStack } from "../support/dcr-stack";
import { dcrClients, exportWithSecrets, logged, type Logged } from "../support/engine-ops";
import { leaks, outputSecrets } from "../support/secrets";
import { KEY_ALGORITHMS } from "../../provider/crypto";

const DAY = 86_400_000;

/**
 * The Pulumi Node SDK logs every RegisterResource/ReadResource response at debug level
 * (@pulumi/pulumi runtime/resource.js: `RegisterResource RPC finished: …; resp: …`), secret
 * outputs in clear. Those lines are Pulumi's, not ours, and exist only with -v/--debug.
 */
const SDK_RPC_DUMP = /(RegisterResource|ReadResource|RegisterResourceOutputs|Invoke) RPC finished/;

test("no token or key value in state, engine output, verbose engine logs or Pushgateway payloads", async (t) => {
  const idp = await startSeedIdp({ rotateRatOnUpdate: true });
  const proxy = await startFaultProxy(idp.baseUrl);
  const pushed: string[] = [];
  const gateway = await startLoggedServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pushed.push(`${req.method ?? ""} ${req.url ?? ""}\n${Buffer.concat(chunks).toString("utf8")}`);
      res.statusCode = 200;
      res.end();
    });
  });
  const base = {
    registrationEndpoint: proxy.url(idp.registrationEndpoint),
    updateMethod: "PATCH" as const,
    pushgatewayUrl: `http://127.0.0.1:${gateway.port}`,
  };
  // One client per key algorithm: every kind of private key PEM and JWK is searched for.
  const stack = await createDcrStack(
    Object.fromEntries(
      KEY_ALGORITHMS.map((alg) => [alg.toLowerCase(), { ...base, keyAlgorithm: alg, clientName: alg }]),
    ),
    {
      config: {
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr:adminToken": { value: idp.adminToken, secret: true },
      },
    },
  );
  const runs: Logged[] = [];
  const secrets: unknown[] = [idp.initialAccessToken, idp.adminToken];
  const collect = async (): Promise<void> => {
    const clients = dcrClients((await exportWithSecrets(stack)).resources);
    assert.deepEqual(
      [...clients.keys()].sort(),
      KEY_ALGORITHMS.map((a) => a.toLowerCase()).sort(),
      "a client of every algorithm is in state",
    );
    for (const r of clients.values()) {
      assert.match(String(r.outputs.privateKeyPem), /BEGIN PRIVATE KEY/);
      secrets.push(...outputSecrets(r.outputs));
    }
    for (const id of idp.clientIds()) secrets.push(idp.currentRat(id));
  };
  try {
    runs.push(await logged((o) => stack.stack.up(o)));
    await collect();
    runs.push(await logged((o) => stack.stack.refresh(o)));
    // The RAT is revoked: the rotation renews it through the admin API; the IdP rotates it again on PATCH.
    for (const id of idp.clientIds()) idp.revokeRat(id);
    stack.setEnv("DCR_NOW", new Date(Date.now() + 31 * DAY).toISOString());
    runs.push(await logged((o) => stack.stack.up(o)));
    await collect();
    // A failed update whose error body echoes the RAT it was sent.
    proxy.addRule({
      method: "PATCH",
      path: "/api/oidc/register/",
      times: 2,
      action: {
        kind: "status",
        status: 400,
        body: (req) =>
          JSON.stringify({
            error: "invalid_client_metadata",
            error_description: `rejected for ${String(req.headers.authorization)}`,
          }),
      },
    });
    stack.setEnv("DCR_NOW", new Date(Date.now() + 62 * DAY).toISOString());
    const failed = await logged((o) => stack.stack.up(o));
    runs.push(failed);
    assert.equal(failed.ok, false, "the IdP refused the update");
    assert.match(failed.text, /rejected for Bearer \[redacted\]/, "the echoed token is redacted in the engine output");
    await collect();
    runs.push(await logged((o) => stack.stack.destroy(o)));
    assert.ok(
      runs.every((r, i) => r.ok || i === 3),
      runs.map((r) => r.error?.message.slice(-500)).join("\n"),
    );

    const ours = runs
      .map((r) => r.text)
      .join("\n")
      .split("\n")
      .filter((l) => !SDK_RPC_DUMP.test(l))
      .join("\n");
    const sdkDumps = runs
      .map((r) => r.text)
      .join("\n")
      .split("\n")
      .filter((l) => SDK_RPC_DUMP.test(l))
      .join("\n");
    assert.ok(ours.length > 100_000, `the verbose log was captured (${ours.length} chars)`);
    assert.match(ours, /renewed through the admin API/, "the provider's own log lines are in the captured stream");
    assert.deepEqual(
      leaks(ours, secrets),
      [],
      "no secret in engine output and verbose logs (Pulumi SDK RPC dumps aside)",
    );
    assert.deepEqual(leaks(await stack.exportText(), secrets), [], "no secret in exported state");
    assert.ok(pushed.length >= 4, `Pushgateway got the status metric (${pushed.length} pushes)`);
    assert.deepEqual(leaks(pushed.join("\n"), secrets), [], "no secret in Pushgateway payloads");
    t.diagnostic(
      `verbose log ${ours.length} chars checked; Pulumi SDK RPC dump lines containing secrets: ${leaks(sdkDumps, secrets).length > 0 ? "yes (Pulumi's, documented)" : "none"}`,
    );
  } finally {
    await stack.dispose();
    await gateway.close();
    await proxy.close();
    await idp.close();
  }
});
