/**
 * Load: a stack of 100 DcrClient resources (ES256) against the seed-style IdP with the engine's
 * default parallelism: up, no-op up, refresh, destroy all succeed, with the minimum requests.
 * The times are reported as test diagnostics (and recorded in docs/reliability.md).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { createDcrStack } from "../support/dcr-stack";
import { dcrClients, exportWithSecrets } from "../support/engine-ops";
import type { DcrClientArgs } from "../../provider/args";

const N = 100;

test(`load: ${N} clients — up, no-op up, refresh, destroy with default parallelism`, async (t) => {
  const idp = await startSeedIdp();
  const args: Record<string, DcrClientArgs> = {};
  for (let i = 0; i < N; i++) {
    args[`c${i}`] = {
      registrationEndpoint: idp.registrationEndpoint,
      updateMethod: "PATCH",
      keyAlgorithm: "ES256",
      clientName: `load ${i}`,
    };
  }
  const stack = await createDcrStack(args, {
    config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } },
  });
  const times: Record<string, number> = {};
  const timed = async <T>(name: string, op: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const r = await op();
    times[name] = (Date.now() - t0) / 1000;
    return r;
  };
  try {
    const up = await timed("up", () => stack.up());
    assert.equal(up.summary.result, "succeeded");
    assert.equal(up.summary.resourceChanges?.create, N + 1);
    assert.equal(idp.clientIds().length, N);
    assert.equal(idp.requests.count("POST"), N, "one POST per client");

    idp.requests.reset();
    const noop = await timed("no-op up", () => stack.up());
    assert.equal(noop.summary.resourceChanges?.same, N + 1);
    assert.equal(idp.requests.count(), 0, "a no-op up sends nothing");

    const refresh = await timed("refresh", () => stack.refresh());
    assert.equal(refresh.summary.result, "succeeded");
    assert.equal(idp.requests.count("GET"), N, "refresh: one GET per client");
    const clients = dcrClients((await exportWithSecrets(stack)).resources);
    assert.equal(clients.size, N);
    for (const r of clients.values()) {
      assert.equal(
        r.outputs.registrationAccessToken,
        idp.currentRat(r.outputs.clientId as string),
        "every RAT in state is live",
      );
    }

    idp.requests.reset();
    const destroy = await timed("destroy", () => stack.destroy());
    assert.equal(destroy.summary.result, "succeeded");
    assert.equal(idp.requests.count("DELETE"), N);
    assert.equal(idp.clientIds().length, 0);
    t.diagnostic(
      `load ${N} clients (s): ${Object.entries(times)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(", ")}`,
    );
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
