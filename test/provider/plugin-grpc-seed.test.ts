/**
 * The bundled provider plugin over gRPC against the seed-style fixture: partial state as the
 * init-failed error (a register answer it cannot use; an update the IdP never accepts), a client
 * gone at the IdP, and the whole bad-input corpus in Check.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { startSeedIdp } from "../support/seed-idp";
import { leaks } from "../support/secrets";
import { BAD_INPUTS } from "../support/bad-inputs";
import { secret, type PluginProcess } from "../support/plugin-process";
import { URN, checkRequest, configure, open, withPlugin } from "../support/plugin-calls";

type SeedIdp = Awaited<ReturnType<typeof startSeedIdp>>;

/**
 * Runs `body` with a seed IdP (`options`), the bundled plugin configured with its IAT, and
 * Check's inputs for a client there; stops both afterwards.
 */
async function withSeedPlugin(
  options: Parameters<typeof startSeedIdp>[0],
  body: (plugin: PluginProcess, idp: SeedIdp, inputs: Struct | undefined) => Promise<void>,
): Promise<void> {
  const idp = await startSeedIdp(options);
  try {
    await withPlugin({}, async (plugin) => {
      await configure(plugin, { initialAccessToken: secret(idp.initialAccessToken) });
      const checked = await plugin.call<pb.CheckResponse>(
        "check",
        checkRequest({ registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" }),
      );
      await body(plugin, idp, checked.getInputs());
    });
  } finally {
    await idp.close();
  }
}

/** The gRPC error of a call that must fail. */
async function rejection(call: Promise<unknown>, what: string): Promise<grpc.ServiceError> {
  return call.then(
    () => assert.fail(`${what} must fail`),
    (e: unknown) => e as grpc.ServiceError,
  );
}

/** The engine's init-failed detail an error carries (partial state). */
function initFailed(err: grpc.ServiceError): pb.ErrorResourceInitFailed {
  const bin = err.metadata.get("grpc-status-details-bin")[0];
  assert.ok(bin instanceof Buffer, "the status details travel in grpc-status-details-bin");
  const any = Status.deserializeBinary(new Uint8Array(bin)).getDetailsList()[0];
  assert.equal(any?.getTypeName(), "pulumirpc.ErrorResourceInitFailed");
  return pb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
}

test("plugin: a registration whose answer is unusable keeps the client and its RAT as partial state (init-failed)", async () => {
  await withSeedPlugin({ hostileRegistration: "deep" }, async (plugin, idp, inputs) => {
    const err = await rejection(
      plugin.call("create", new pb.CreateRequest().setUrn(URN).setProperties(inputs)),
      "create",
    );
    assert.equal(err.code, grpc.status.UNKNOWN);
    assert.match(err.details, /^\[ERR_IDP_RESPONSE\] /, "the DcrError message, unchanged at its start");
    assert.match(err.details, /kept in state/);
    const [id] = idp.clientIds();
    assert.ok(id !== undefined, "the client exists at the IdP");
    const failed = initFailed(err);
    assert.equal(failed.getId(), id);
    const kept = open(failed.getProperties());
    assert.equal(kept.values.clientId, id, "partial state holds the client");
    assert.equal(kept.values.registrationAccessToken, idp.currentRat(id), "and its RAT");
    assert.ok(kept.secret.includes("registrationAccessToken"), "kept as a secret");
    assert.deepEqual(leaks(kept.plain + err.details, [idp.currentRat(id)]), [], "never in clear");
    assert.deepEqual(failed.getInputs()?.toJavaScript(), inputs?.toJavaScript(), "the inputs are kept too");
    assert.deepEqual(failed.getReasonsList().length, 1);
  });
});

test("plugin: an update the IdP never accepts keeps the generated key's kid as used (init-failed partial state)", async () => {
  await withSeedPlugin(undefined, async (plugin, idp, inputs) => {
    const created = await plugin.call<pb.CreateResponse>(
      "create",
      new pb.CreateRequest().setUrn(URN).setProperties(inputs),
    );
    const id = created.getId();
    const before = open(created.getProperties()).values as { activeKid: string; usedKids: string[] };
    const news = await plugin.call<pb.CheckResponse>(
      "check",
      checkRequest(
        { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH", rotationTrigger: "now" },
        inputs?.toJavaScript(),
      ),
    );
    idp.failNext({ status: 503, method: "PATCH", count: 10 });
    const update = new pb.UpdateRequest().setId(id).setUrn(URN).setOlds(created.getProperties());
    const err = await rejection(plugin.call("update", update.setNews(news.getInputs()).setOldInputs(inputs)), "update");
    assert.match(err.details, /^\[ERR_IDP_UNAVAILABLE\] /, err.details);
    const failed = initFailed(err);
    assert.equal(failed.getId(), id);
    const kept = open(failed.getProperties());
    const after = kept.values as { activeKid: string; usedKids: string[]; registrationAccessToken: string };
    assert.equal(after.activeKid, before.activeKid, "the unconfirmed key is not recorded as active");
    const fresh = after.usedKids.filter((k) => !before.usedKids.includes(k));
    assert.equal(fresh.length, 1, "its kid is recorded as used, never to be reused");
    assert.equal(after.registrationAccessToken, idp.currentRat(id), "the working RAT is kept");
    assert.ok(kept.secret.includes("registrationAccessToken"), "as a secret");
    assert.deepEqual(leaks(kept.plain + err.details, [idp.currentRat(id)]), [], "never in clear");
  });
});

test("plugin: a client deleted at the IdP (404) reads as an empty id, so refresh drops it", async () => {
  await withSeedPlugin(undefined, async (plugin, idp, inputs) => {
    const created = await plugin.call<pb.CreateResponse>(
      "create",
      new pb.CreateRequest().setUrn(URN).setProperties(inputs),
    );
    idp.deleteClient(created.getId());
    const gone = await plugin.call<pb.ReadResponse>(
      "read",
      new pb.ReadRequest().setId(created.getId()).setUrn(URN).setProperties(created.getProperties()).setInputs(inputs),
    );
    assert.equal(gone.getId(), "", "empty id: the engine removes the resource from state");
    assert.ok(
      plugin.logs.some((l) => l.urn === URN && /no longer exists at the IdP/.test(l.message)),
      "the user is told why",
    );
  });
});

test(`plugin: every case of the bad-input corpus (${BAD_INPUTS.length}) fails in Check naming the property; no IdP request`, async () => {
  await withSeedPlugin(undefined, async (plugin, idp) => {
    const base = { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" };
    const problems: string[] = [];
    const reasons: string[] = [];
    for (const c of BAD_INPUTS) {
      const r = await plugin.call<pb.CheckResponse>("check", checkRequest({ ...base, ...c.inputs }));
      const failures = r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
      reasons.push(...failures.map((f) => f.reason));
      const named = failures.find((f) => f.property === c.property);
      if (named === undefined) problems.push(`${c.name}: no failure naming ${c.property}: ${JSON.stringify(failures)}`);
      else if (!c.reason.test(named.reason)) problems.push(`${c.name}: reason ${named.reason} !~ ${String(c.reason)}`);
    }
    assert.deepEqual(problems, []);
    assert.equal(idp.requests.count(), 0, "not one request reached the IdP");
    const pems = BAD_INPUTS.map((c) => c.inputs.signingKeyPem).filter((v) => typeof v === "string");
    assert.deepEqual(leaks(reasons.join("\n"), pems), [], "a refused key is never quoted");
  });
});
