/**
 * The engine-agnostic core (provider/core/) driven directly against the seed-style IdP, with no
 * Pulumi type in sight: stack secrets and the instant come in the context, partial state and a
 * gone client come back as data.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { checkOp, createOp, deleteOp, diffOp, readOp, updateOp, type CoreContext } from "../../provider/core";
import { startSeedIdp } from "../support/seed-idp";
import type { DcrInputs, DcrOutputs } from "../../provider/types";

const DAY = 86_400_000;

function context(now: Date, secrets: CoreContext["secrets"]): CoreContext & { lines: string[] } {
  const lines: string[] = [];
  return { now, secrets, log: { info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`) }, lines };
}

test("core: secrets from the context, time from the context, a client gone as data", async () => {
  const idp = await startSeedIdp();
  try {
    const t0 = new Date();
    const raw = { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH", keyAlgorithm: "ES256" };
    const bare = context(t0, {});
    const refused = await checkOp(undefined, raw, bare);
    assert.deepEqual(
      refused.failures.map((f) => f.property),
      ["initialAccessToken"],
      "no IAT in the context: a create is refused",
    );
    assert.deepEqual((await checkOp({ clientName: "x" }, raw, bare)).failures, [], "not a create: no IAT needed");

    const ctx = context(t0, { initialAccessToken: idp.initialAccessToken, adminToken: idp.adminToken });
    const checked = await checkOp(undefined, raw, ctx);
    assert.deepEqual(checked.failures, []);
    const inputs: DcrInputs = checked.inputs;
    assert.equal("initialAccessToken" in inputs, false, "a secret from the context never enters the inputs");

    const created = await createOp(inputs, ctx);
    assert.equal(created.partial, undefined);
    const outs = created.outputs as DcrOutputs;
    assert.equal(outs.clientId, created.id);
    assert.equal(JSON.stringify(outs).includes(idp.initialAccessToken), false, "the IAT is not in the outputs");

    const same = await diffOp(outs, inputs, ctx);
    assert.equal(same.changes, false);
    const later = context(new Date(t0.getTime() + 31 * DAY), ctx.secrets);
    const due = await diffOp(outs, inputs, later);
    assert.equal(due.changes, true, "the context's instant decides rotation");
    assert.deepEqual(due.properties, [{ path: "jwks", replace: false }]);
    const fixed = await diffOp(outs, { ...inputs, clientId: "another" }, ctx);
    assert.deepEqual(fixed.replaces, ["clientId"]);
    assert.equal(fixed.deleteBeforeReplace, true, "a fixed clientId deletes first");

    const rotated = await updateOp(created.id, outs, inputs, later);
    assert.equal(rotated.partial, undefined);
    assert.notEqual(rotated.outputs.activeKid, outs.activeKid, "rotated at the context's instant");
    assert.ok(later.lines.some((l) => l.includes("JWKS rotated successfully")));

    const read = await readOp(created.id, rotated.outputs as DcrOutputs, ctx);
    assert.equal(read.gone, false);
    idp.deleteClient(created.id);
    assert.deepEqual(await readOp(created.id, rotated.outputs as DcrOutputs, ctx), { gone: true });
    await deleteOp(created.id, rotated.outputs as DcrOutputs, ctx); // already gone counts as done
  } finally {
    await idp.close();
  }
});

test("core: a failed update with generated keys comes back as partial outputs; without, it throws", async () => {
  const idp = await startSeedIdp();
  try {
    const t0 = new Date();
    const ctx = context(t0, { initialAccessToken: idp.initialAccessToken });
    const inputs = (
      await checkOp(undefined, { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" }, ctx)
    ).inputs;
    const created = await createOp(inputs, ctx);
    const outs = created.outputs as DcrOutputs;

    idp.failNext({ status: 409, method: "PATCH" });
    await assert.rejects(
      updateOp(created.id, outs, { ...inputs, clientName: "renamed" }, ctx),
      /409/,
      "nothing new to keep: the failure is thrown",
    );

    idp.failNext({ status: 409, method: "PATCH" });
    const later = context(new Date(t0.getTime() + 31 * DAY), ctx.secrets);
    const r = await updateOp(created.id, outs, inputs, later);
    assert.equal(r.partial, true, "a generated key may have reached the IdP: its kid is kept as used");
    if (r.partial !== true) return;
    assert.equal(r.outputs.usedKids?.length, 2);
    assert.ok(r.outputs.usedKids?.includes(outs.activeKid));
    assert.equal(r.outputs.activeKid, outs.activeKid, "the old keys stay active");
    assert.equal(r.outputs.registrationAccessToken, outs.registrationAccessToken);
    assert.ok(r.failure instanceof Error);
  } finally {
    await idp.close();
  }
});
