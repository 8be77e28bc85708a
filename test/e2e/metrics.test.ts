/**
 * The seed's status metric reaches a real Prometheus Pushgateway after `up` and `refresh`, and a
 * Pushgateway that is down never fails the deployment.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { startPushgateway } from "../support/pushgateway";
import { createDcrStack } from "../support/dcr-stack";
import { leaks } from "../support/secrets";

test("bff_dcr_status is pushed to a real Pushgateway; a dead one only warns", async () => {
  const idp = await startSeedIdp();
  const gw = await startPushgateway();
  const stack = await createDcrStack({
    bff: { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH", keyAlgorithm: "ES256", pushgatewayUrl: gw.url },
  }, { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } });
  try {
    await stack.up();
    const o = await stack.outputsOf("bff");
    let text = await gw.metrics();
    const line = text.split("\n").find((l) => l.startsWith("bff_dcr_status{") && l.includes(`client_id="${o.clientId as string}"`));
    assert.ok(line, `bff_dcr_status for the client is at the Pushgateway:\n${text}`);
    assert.match(line, /job="pulumi_dcr"/);
    assert.match(line, /status="success"\} 1$/);

    await stack.refresh();
    text = await gw.metrics();
    assert.match(text, /bff_dcr_status\{[^}]*status="rat_cached"\} 1/);
    assert.doesNotMatch(text, /status="success"/, "the group holds only the latest status");
    assert.deepEqual(leaks(text, [o.registrationAccessToken, idp.initialAccessToken, o.privateKeyPem]), []);

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
