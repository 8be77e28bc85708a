/**
 * The seed's status metric reaches a real Prometheus Pushgateway with each status it can take —
 * success (up), rat_cached (refresh), jwks_rotation_failed (an update the IdP refused),
 * rat_invalid (a RAT refused with no admin token) — never carries a secret, and a Pushgateway
 * that is down never fails the deployment.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { startPushgateway, type Pushgateway } from "../support/pushgateway";
import { createDcrStack } from "../support/dcr-stack";
import { failure } from "../support/engine-ops";
import { leaks, outputSecrets } from "../support/secrets";

const DAY = 86_400_000;

/** The bff_dcr_status samples the Pushgateway serves for `clientId`, as `<status> <value>`; all its text in `seen`. */
async function statusOf(
  gw: Pushgateway,
  clientId: string,
  seen: string[],
  metric = "bff_dcr_status",
): Promise<string[]> {
  const text = await gw.metrics();
  seen.push(text);
  const lines = text.split("\n").filter((l) => l.startsWith(`${metric}{`) && l.includes(`client_id="${clientId}"`));
  for (const l of lines) assert.match(l, /job="pulumi_dcr"/);
  return lines.map((l) => `${/status="([^"]*)"/.exec(l)?.[1] ?? "?"} ${l.split(" ").pop() ?? ""}`);
}

test("bff_dcr_status reaches a real Pushgateway: success, rat_cached, jwks_rotation_failed, rat_invalid; a dead one only warns", async () => {
  const idp = await startSeedIdp();
  const gw = await startPushgateway();
  const stack = await createDcrStack(
    {
      bff: {
        registrationEndpoint: idp.registrationEndpoint,
        updateMethod: "PATCH",
        keyAlgorithm: "ES256",
        pushgatewayUrl: gw.url,
      },
    },
    { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } },
  );
  const seen: string[] = [];
  try {
    await stack.up();
    const o = await stack.outputsOf("bff");
    const id = o.clientId as string;
    assert.deepEqual(await statusOf(gw, id, seen), ["success 1"], "up: success");

    await stack.refresh();
    assert.deepEqual(
      await statusOf(gw, id, seen),
      ["rat_cached 1"],
      "refresh: rat_cached (the group holds only the latest status)",
    );

    // A rotation is due and the IdP refuses the PATCH: the update fails with jwks_rotation_failed.
    idp.failNext({
      status: 400,
      method: "PATCH",
      body: JSON.stringify({ error: "invalid_client_metadata", error_description: "refused" }),
    });
    stack.setEnv("DCR_NOW", new Date(Date.now() + 31 * DAY).toISOString());
    assert.match(await failure(stack.up()), /400 invalid_client_metadata/);
    assert.deepEqual(await statusOf(gw, id, seen), ["jwks_rotation_failed 1"], "refused update: jwks_rotation_failed");
    stack.setEnv("DCR_NOW", undefined);

    // The RAT is revoked and there is no admin token: refresh fails with rat_invalid.
    idp.revokeRat(id);
    assert.match(await failure(stack.refresh()), /refused the registration access token/);
    assert.deepEqual(await statusOf(gw, id, seen), ["rat_invalid 1"], "refused RAT: rat_invalid");

    // With the admin token the RAT is renewed and the metric says so. (refresh runs the provider
    // with the configuration recorded by the last `up`, so the new config takes effect after an up.)
    await stack.stack.setConfig("dcr:adminToken", { value: idp.adminToken, secret: true });
    await stack.up();
    await stack.refresh();
    assert.deepEqual(await statusOf(gw, id, seen), ["rat_cached 1"]);
    const renewed = await stack.outputsOf("bff");
    const secrets = [idp.initialAccessToken, idp.adminToken, ...outputSecrets(o), ...outputSecrets(renewed)];
    assert.deepEqual(leaks(seen.join("\n"), secrets), [], "no secret in what the Pushgateway holds");

    // The metric name is configurable (bff_dcr_status stays the default for existing alerts).
    stack.args = { bff: { ...stack.args.bff, metricName: "dcr_client_status" } };
    await stack.up();
    await stack.refresh();
    assert.deepEqual(
      await statusOf(gw, id, seen, "dcr_client_status"),
      ["rat_cached 1"],
      "pushed under the configured name",
    );

    await gw.close();
    const refresh = await stack.refresh();
    assert.equal(refresh.summary.result, "succeeded", "a Pushgateway that is down does not fail refresh");
    assert.match(refresh.stdout + refresh.stderr, /Pushgateway/);
    await stack.destroy();
  } finally {
    await stack.dispose();
    await gw.close().catch(() => undefined);
    await idp.close();
  }
});
