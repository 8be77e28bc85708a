/**
 * The steps of docs/operations.md that the demo and the other engine tests do not run, with the
 * root program (index.ts: publishAheadDays 7) against the seed-style IdP and the real CLI:
 * the alarm `pulumi preview --refresh --expect-no-changes` (0 clean, 7 drift, another code when
 * the IdP cannot be read), the daily `pulumi up --refresh` repairing drift, an application stack
 * reading the key through a StackReference, `pulumi stack output --show-secrets`, the status
 * metric through a rotation (the switch pushes nothing), an emergency rotation with `pulumi
 * config set dcr:rotationTrigger` while a key waits, and a client deleted at the IdP.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Stack } from "@pulumi/pulumi/automation";
import { startSeedIdp } from "../support/seed-idp";
import { startPushgateway } from "../support/pushgateway";
import { createEngineStack, repoRoot, type EngineStack } from "../support/engine";
import { exitOf, pulumiCli } from "../support/engine-ops";

const DAY = 86400_000;
const PROJECT = "dcr-ops";

/** The alarm: `pulumi preview --refresh --expect-no-changes`, its exit code and output. */
async function alarm(engine: EngineStack): Promise<{ code: number; out: string }> {
  try {
    const r = await engine.stack.preview({ refresh: true, expectNoChanges: true });
    return { code: 0, out: r.stdout };
  } catch (e) {
    return exitOf(e);
  }
}

test("operations guide: alarm exit codes, daily up --refresh, StackReference, stack output, metric, emergency rotation, client gone", async () => {
  const idp = await startSeedIdp();
  const gw = await startPushgateway();
  const programPath = path.join(repoRoot, ".build", "index.js");
  const engine = await createEngineStack({
    projectName: PROJECT,
    program: async () => {
      delete require.cache[require.resolve(programPath)];
      return require(programPath) as Record<string, unknown>;
    },
    config: {
      "dcr:issuer": { value: idp.baseUrl },
      "dcr:updateMethod": { value: "PATCH" },
      "dcr:pushgatewayUrl": { value: gw.url },
      "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
    },
  });
  const kidsAtIdp = (id: string) =>
    ((idp.getClient(id) as { jwks?: { keys: { kid: string }[] } }).jwks?.keys ?? []).map((k) => k.kid);
  try {
    const t0 = Date.now();
    engine.setEnv("DCR_NOW", new Date(t0).toISOString());
    const up = await engine.up();
    const clientId = up.outputs.clientId?.value as string;
    const activeKid = up.outputs.activeKid?.value as string;
    assert.equal((await alarm(engine)).code, 0, "clean: exit 0");

    // The application's side: `pulumi stack output --show-secrets privateKeyPem`, and a StackReference.
    const cliPem = (await pulumiCli(engine, ["stack", "output", "--show-secrets", "privateKeyPem"])).stdout.trim();
    assert.equal(cliPem, up.outputs.privateKeyPem?.value, "the CLI prints the active key's PEM");
    const app = await Stack.create("app", engine.stack.workspace);
    const ref = await app.up({
      program: async () => {
        const dcr = new pulumi.StackReference(`organization/${PROJECT}/dev`);
        return { kid: dcr.getOutput("activeKid"), pem: dcr.getOutput("privateKeyPem") };
      },
    });
    assert.equal(ref.outputs.kid?.value, activeKid);
    assert.equal(ref.outputs.pem?.value, cliPem, "the StackReference carries the same key");
    assert.equal(ref.outputs.pem?.secret, true, "and keeps it secret");
    await app.destroy();
    await app.workspace.removeStack("app");

    // Drift: our key removed at the IdP. The alarm sees it (7); the daily `up --refresh` repairs it.
    idp.mutateClient(clientId, (r) => {
      r.jwks = { keys: [] };
    });
    const drift = await alarm(engine);
    assert.equal(drift.code, 7, `drift: exit 7\n${drift.out.slice(-1500)}`);
    assert.match(drift.out, new RegExp(`key ${activeKid} is missing at the IdP`));
    await engine.stack.up({ refresh: true });
    assert.deepEqual(kidsAtIdp(clientId), [activeKid], "repaired");
    assert.equal((await alarm(engine)).code, 0);

    // The IdP cannot be read: the alarm fails with another code (the check itself failed).
    idp.failNext({ status: 503, count: 4, method: "GET" }); // every attempt of the one GET (3 retries)
    const down = await alarm(engine);
    assert.ok(down.code !== 0 && down.code !== 7, `IdP unavailable: exit ${down.code}\n${down.out.slice(-1500)}`);
    assert.match(down.out, /answered 503 .*\(gave up after 4 attempts\)/, "the output says what failed");
    console.log(
      `operations: preview --refresh --expect-no-changes exit codes — clean 0, drift ${drift.code}, IdP unavailable ${down.code}`,
    );

    // The daily job through a rotation: day 23 publishes (status success), day 30 switches with
    // no update request (the refresh's GET only; the status stays rat_cached from the refresh).
    const daily = async (day: number) => {
      engine.setEnv("DCR_NOW", new Date(t0 + day * DAY).toISOString());
      idp.requests.reset();
      const r = await engine.stack.up({ refresh: true });
      return {
        r,
        requests: idp.requests.count(),
        status: new RegExp(`bff_dcr_status\\{client_id="${clientId}"[^}]*status="(\\w+)"\\} 1`).exec(
          await gw.metrics(),
        )?.[1],
      };
    };
    const d23 = await daily(23);
    assert.equal(d23.status, "success");
    const d30 = await daily(30);
    assert.equal(d30.r.outputs.activeKid?.value, d23.r.outputs.nextKid?.value, "switched on day 30");
    assert.equal(d30.requests, 1, "day 30: the refresh's GET only");
    assert.equal(d30.status, "rat_cached", "the switch sends nothing, so only the refresh reported");
    assert.match(
      await gw.metrics(),
      new RegExp(`push_time_seconds\\{client_id="${clientId}"[^}]*job="pulumi_dcr"\\} \\d`),
      "the heartbeat a staleness alert watches",
    );

    // Emergency rotation while a key waits (day 53): the trigger activates a fresh key at once
    // and drops the waiting one.
    const active30 = d30.r.outputs.activeKid?.value as string;
    const d53 = await daily(53);
    const waiting = d53.r.outputs.nextKid?.value as string;
    assert.ok(waiting);
    await pulumiCli(engine, ["config", "set", "dcr:rotationTrigger", "incident-1"]);
    const rotated = await engine.up();
    const fresh = rotated.outputs.activeKid?.value as string;
    assert.ok(fresh !== active30 && fresh !== waiting, "a fresh key is active at once");
    assert.equal(rotated.outputs.nextKid?.value, undefined, "no key waits any more");
    assert.deepEqual(
      kidsAtIdp(clientId),
      [fresh, active30, activeKid],
      "the waiting key is gone from the IdP; older keys overlap until retired",
    );
    assert.match(
      rotated.stdout,
      new RegExp(`key ${waiting} was published ahead but is dropped: key ${fresh} is active at once`),
    );

    // The client deleted at the IdP (ERR_CLIENT_GONE on read): refresh forgets it, up registers a new one.
    idp.deleteClient(clientId);
    const refreshed = await engine.refresh();
    assert.match(
      refreshed.stdout + refreshed.stderr,
      new RegExp(`DcrClient ${clientId}: the client no longer exists at the IdP; it is removed from state`),
    );
    const again = await engine.up();
    assert.notEqual(again.outputs.clientId?.value, clientId, "a new client is registered");
    await engine.destroy();
  } finally {
    await engine.dispose();
    await gw.close();
    await idp.close();
  }
});
