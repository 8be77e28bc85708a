/**
 * The provider plugin as the engine drives it: the BUNDLED `pulumi-resource-dcr` process (its
 * launcher, the engine's address as argument, the port read from its first stdout line), called
 * over gRPC with the engine's own message types, against oidc-provider (the lifecycle) and the
 * seed-style fixture (partial state). A fake Engine service receives the plugin's Log lines.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { startOidcIdp, type OidcIdp } from "../support/oidc-idp";
import { startSeedIdp } from "../support/seed-idp";
import { leaks, outputSecrets } from "../support/secrets";
import { BAD_INPUTS } from "../support/bad-inputs";
import { SIG, UNKNOWN, empty, secret, startPlugin, struct, type PluginProcess } from "../support/plugin-process";

const URN = "urn:pulumi:dev::proj::dcr:index:Client::bff";
const DAY = 86_400_000;

/** A Struct's values with secrets revealed, and the names of the members that were secret. */
function open(s: Struct | undefined): { values: Record<string, unknown>; secret: string[]; plain: string } {
  const raw = (s?.toJavaScript() ?? {}) as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  const secretNames: string[] = [];
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const isSecret = typeof v === "object" && v !== null && SIG in v;
    values[k] = isSecret ? (v as unknown as { value: unknown }).value : v;
    if (isSecret) secretNames.push(k);
    else plain[k] = v;
  }
  return { values, secret: secretNames.sort(), plain: JSON.stringify(plain) };
}

/** Configures `plugin` with the IdP's IAT as secret config, through CheckConfig then Configure. */
async function configure(plugin: PluginProcess, config: Record<string, unknown>): Promise<pb.ConfigureResponse> {
  const checked = await plugin.call<pb.CheckResponse>(
    "checkConfig",
    new pb.CheckRequest().setUrn("urn:pulumi:dev::proj::pulumi:providers:dcr::default").setNews(struct(config)),
  );
  assert.deepEqual(checked.getFailuresList(), [], "config passes CheckConfig");
  return plugin.call<pb.ConfigureResponse>(
    "configure",
    new pb.ConfigureRequest().setArgs(checked.getInputs()).setAcceptsecrets(true),
  );
}

function checkRequest(news: Record<string, unknown>, olds: Record<string, unknown> = {}): pb.CheckRequest {
  return new pb.CheckRequest().setUrn(URN).setOlds(struct(olds)).setNews(struct(news));
}

async function withOidc(fn: (idp: OidcIdp) => Promise<void>): Promise<void> {
  const idp = await startOidcIdp();
  try {
    await fn(idp);
  } finally {
    await idp.close();
  }
}

async function withPlugin(env: Record<string, string>, fn: (p: PluginProcess) => Promise<void>): Promise<void> {
  const plugin = await startPlugin(env);
  try {
    await fn(plugin);
  } finally {
    await plugin.close();
  }
}

test("plugin: info, schema, CheckConfig/Configure with secret config, Check failures and unknowns", async () => {
  await withOidc(async (idp) => {
    await withPlugin({}, async (plugin) => {
      const info = await plugin.call<PluginInfo>("getPluginInfo", empty());
      assert.equal(info.getVersion(), "0.1.0");
      const schema = await plugin.call<pb.GetSchemaResponse>("getSchema", new pb.GetSchemaRequest());
      const parsed = JSON.parse(schema.getSchema()) as { name: string; resources: Record<string, unknown> };
      assert.equal(parsed.name, "dcr");
      assert.ok("dcr:index:Client" in parsed.resources, "the schema holds the resource");

      const conf = await configure(plugin, {
        initialAccessToken: secret(idp.initialAccessToken),
        rotateAfterDays: "20",
      });
      assert.equal(conf.getAcceptsecrets(), true, "the plugin takes secrets marked");

      const bad = await plugin.call<pb.CheckResponse>(
        "check",
        checkRequest({ registrationEndpoint: idp.registrationEndpoint, rotateAfterDays: "soon" }),
      );
      assert.deepEqual(
        bad.getFailuresList().map((f) => f.getProperty()),
        ["rotateAfterDays"],
        "the failure names the property",
      );

      const ok = await plugin.call<pb.CheckResponse>(
        "check",
        checkRequest({ registrationEndpoint: idp.registrationEndpoint, signingKeyPem: undefined, clientName: UNKNOWN }),
      );
      assert.deepEqual(ok.getFailuresList(), [], "an unknown is not validated");
      const inputs = open(ok.getInputs());
      assert.equal(inputs.values.clientName, UNKNOWN, "the unknown goes back unknown");
      assert.equal(inputs.values.rotateAfterDays, 20, "an argument not passed comes from dcr: config");
      assert.equal("initialAccessToken" in inputs.values, false, "secret config is not copied into inputs");

      const explicit = await plugin.call<pb.CheckResponse>(
        "check",
        checkRequest({
          registrationEndpoint: idp.registrationEndpoint,
          initialAccessToken: secret("iat-given-0123456789"),
        }),
      );
      const e = open(explicit.getInputs());
      assert.deepEqual(e.secret, ["initialAccessToken"], "a secret input stays secret in Check's reply");
      assert.deepEqual(leaks(e.plain, ["iat-given-0123456789"]), []);

      const adopt = { clientId: "c-1", registrationAccessToken: "rat-from-config-0123456789" };
      await configure(plugin, {
        initialAccessToken: secret(idp.initialAccessToken),
        adopt: secret(JSON.stringify(adopt)),
      });
      const adopted = await plugin.call<pb.CheckResponse>(
        "check",
        checkRequest({ registrationEndpoint: idp.registrationEndpoint }),
      );
      assert.deepEqual(adopted.getFailuresList(), []);
      const a = open(adopted.getInputs());
      assert.deepEqual(a.secret, ["adopt"], "adopt from config travels as a secret, nothing else is secret");
      assert.equal((a.values.adopt as { clientId: string }).clientId, "c-1");
      assert.deepEqual(leaks(a.plain, [adopt.registrationAccessToken]), [], "its RAT is not in the plain part");
    });
  });
});

test("plugin: create, no-op diff, due rotation in detailedDiff, update, refresh after drift, delete (oidc-provider)", async () => {
  await withOidc(async (idp) => {
    const config = { initialAccessToken: secret(idp.initialAccessToken) };
    const args = {
      registrationEndpoint: idp.registrationEndpoint,
      clientName: "bff",
      initialAccessToken: undefined,
      redirectUris: ["https://app.example.test/cb"],
    };
    let id = "";
    let outs: Struct | undefined;
    let inputs: Struct | undefined;
    await withPlugin({}, async (plugin) => {
      await configure(plugin, config);
      inputs = (await plugin.call<pb.CheckResponse>("check", checkRequest(args))).getInputs();
      const created = await plugin.call<pb.CreateResponse>(
        "create",
        new pb.CreateRequest().setUrn(URN).setProperties(inputs),
      );
      id = created.getId();
      outs = created.getProperties();
      const o = open(outs);
      assert.equal(o.values.clientId, id);
      assert.equal(idp.getClient(id)?.client_name, "bff", "registered at the IdP");
      assert.deepEqual(
        o.secret,
        ["privateJwks", "privateKeyPem", "registrationAccessToken"],
        "the secret outputs leave as secrets",
      );
      const secrets = [...outputSecrets(o.values), idp.initialAccessToken];
      assert.ok(secrets.length >= 3);
      assert.deepEqual(leaks(o.plain, secrets), [], "no secret in clear in the reply's plain part");

      const same = await plugin.call<pb.DiffResponse>(
        "diff",
        new pb.DiffRequest().setId(id).setUrn(URN).setOlds(outs).setNews(inputs).setOldInputs(inputs),
      );
      assert.equal(same.getChanges(), pb.DiffResponse.DiffChanges.DIFF_NONE, "nothing changes: DIFF_NONE");
      assert.equal(same.getDetaileddiffMap().getLength(), 0);

      const inputValues = inputs?.toJavaScript() ?? {};
      const unknownName = await plugin.call<pb.DiffResponse>(
        "diff",
        new pb.DiffRequest()
          .setId(id)
          .setUrn(URN)
          .setOlds(outs)
          .setNews(struct({ ...inputValues, clientName: UNKNOWN }))
          .setOldInputs(inputs),
      );
      assert.equal(unknownName.getChanges(), pb.DiffResponse.DiffChanges.DIFF_SOME, "an unknown input may change");
      assert.deepEqual(unknownName.getDiffsList(), ["clientName"]);
      assert.deepEqual(unknownName.getReplacesList(), [], "clientName updates");
      const unknownEndpoint = await plugin.call<pb.DiffResponse>(
        "diff",
        new pb.DiffRequest()
          .setId(id)
          .setUrn(URN)
          .setOlds(outs)
          .setNews(struct({ ...inputValues, registrationEndpoint: UNKNOWN }))
          .setOldInputs(inputs),
      );
      assert.deepEqual(unknownEndpoint.getReplacesList(), ["registrationEndpoint"], "an unknown endpoint replaces");
      assert.equal(
        unknownEndpoint.getDetaileddiffMap().get("registrationEndpoint")?.getKind(),
        pb.PropertyDiff.Kind.UPDATE_REPLACE,
      );
    });

    const later = new Date(Date.now() + 31 * DAY).toISOString();
    await withPlugin({ DCR_NOW: later }, async (plugin) => {
      await configure(plugin, config);
      const due = await plugin.call<pb.DiffResponse>(
        "diff",
        new pb.DiffRequest().setId(id).setUrn(URN).setOlds(outs).setNews(inputs).setOldInputs(inputs),
      );
      assert.equal(due.getChanges(), pb.DiffResponse.DiffChanges.DIFF_SOME);
      assert.equal(due.getHasdetaileddiff(), true);
      const jwks = due.getDetaileddiffMap().get("jwks");
      assert.equal(jwks?.getKind(), pb.PropertyDiff.Kind.UPDATE, "jwks updates (no replace)");
      assert.equal(jwks?.getInputdiff(), false, "jwks compares the stored outputs");
      assert.deepEqual(due.getReplacesList(), []);
      const warning = plugin.logs.find((l) => l.urn === URN && /jwks: .*was due/.test(l.message));
      assert.ok(warning, `the reason went to the engine's Log: ${JSON.stringify(plugin.logs)}`);
      assert.equal(warning.severity, 2, "as a warning");

      const before = open(outs).values;
      const updated = await plugin.call<pb.UpdateResponse>(
        "update",
        new pb.UpdateRequest().setId(id).setUrn(URN).setOlds(outs).setNews(inputs).setOldInputs(inputs),
      );
      outs = updated.getProperties();
      const after = open(outs).values;
      assert.notEqual(after.activeKid, before.activeKid, "a new active key");
      const held = (idp.getClient(id)?.jwks as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      assert.ok(held.includes(after.activeKid as string), `the IdP holds the new key: ${held.join(",")}`);
      assert.ok(held.includes(before.activeKid as string), "and still the previous one (overlap)");

      idp.mutateClient(id, (r) => {
        r.client_name = "renamed out of band";
      });
      const read = await plugin.call<pb.ReadResponse>(
        "read",
        new pb.ReadRequest().setId(id).setUrn(URN).setProperties(outs).setInputs(inputs),
      );
      assert.equal(read.getId(), id);
      const readOuts = open(read.getProperties()).values;
      assert.equal((readOuts.metadata as Record<string, unknown>).client_name, "renamed out of band", "drift seen");
      assert.deepEqual(read.getInputs()?.toJavaScript(), inputs?.toJavaScript(), "inputs go back unchanged");
      const drift = await plugin.call<pb.DiffResponse>(
        "diff",
        new pb.DiffRequest().setId(id).setUrn(URN).setOlds(read.getProperties()).setNews(inputs).setOldInputs(inputs),
      );
      assert.equal(drift.getChanges(), pb.DiffResponse.DiffChanges.DIFF_SOME, "drift is a change");
      assert.equal(drift.getDetaileddiffMap().get("metadata")?.getInputdiff(), false, "drift: outputs compared");

      await plugin.call("delete", new pb.DeleteRequest().setId(id).setUrn(URN).setProperties(outs));
      assert.equal(idp.getClient(id), undefined, "deleted at the IdP");
    });
  });
});

test("plugin: a registration whose answer is unusable keeps the client and its RAT as partial state (init-failed)", async () => {
  const idp = await startSeedIdp({ hostileRegistration: "deep" });
  try {
    await withPlugin({}, async (plugin) => {
      await configure(plugin, { initialAccessToken: secret(idp.initialAccessToken) });
      const inputs = (
        await plugin.call<pb.CheckResponse>(
          "check",
          checkRequest({ registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" }),
        )
      ).getInputs();
      const err = await plugin.call("create", new pb.CreateRequest().setUrn(URN).setProperties(inputs)).then(
        () => assert.fail("create must fail"),
        (e: unknown) => e as grpc.ServiceError,
      );
      assert.equal(err.code, grpc.status.UNKNOWN);
      assert.match(err.details, /^\[ERR_IDP_RESPONSE\] /, "the DcrError message, unchanged at its start");
      assert.match(err.details, /kept in state/);
      const [id] = idp.clientIds();
      assert.ok(id !== undefined, "the client exists at the IdP");
      const bin = err.metadata.get("grpc-status-details-bin")[0];
      assert.ok(bin instanceof Buffer, "the status details travel in grpc-status-details-bin");
      const status = Status.deserializeBinary(new Uint8Array(bin));
      const any = status.getDetailsList()[0];
      assert.equal(any?.getTypeName(), "pulumirpc.ErrorResourceInitFailed");
      const failed = pb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      assert.equal(failed.getId(), id);
      const kept = open(failed.getProperties());
      assert.equal(kept.values.clientId, id, "partial state holds the client");
      assert.equal(kept.values.registrationAccessToken, idp.currentRat(id), "and its RAT");
      assert.ok(kept.secret.includes("registrationAccessToken"), "kept as a secret");
      assert.deepEqual(leaks(kept.plain + err.details, [idp.currentRat(id)]), [], "never in clear");
      assert.deepEqual(failed.getInputs()?.toJavaScript(), inputs?.toJavaScript(), "the inputs are kept too");
      assert.deepEqual(failed.getReasonsList().length, 1);
    });
  } finally {
    await idp.close();
  }
});

test("plugin: a client deleted at the IdP (404) reads as an empty id, so refresh drops it", async () => {
  const idp = await startSeedIdp();
  try {
    await withPlugin({}, async (plugin) => {
      await configure(plugin, { initialAccessToken: secret(idp.initialAccessToken) });
      const inputs = (
        await plugin.call<pb.CheckResponse>(
          "check",
          checkRequest({ registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" }),
        )
      ).getInputs();
      const created = await plugin.call<pb.CreateResponse>(
        "create",
        new pb.CreateRequest().setUrn(URN).setProperties(inputs),
      );
      idp.deleteClient(created.getId());
      const gone = await plugin.call<pb.ReadResponse>(
        "read",
        new pb.ReadRequest()
          .setId(created.getId())
          .setUrn(URN)
          .setProperties(created.getProperties())
          .setInputs(inputs),
      );
      assert.equal(gone.getId(), "", "empty id: the engine removes the resource from state");
      assert.ok(
        plugin.logs.some((l) => l.urn === URN && /no longer exists at the IdP/.test(l.message)),
        "the user is told why",
      );
    });
  } finally {
    await idp.close();
  }
});

test(`plugin: every case of the bad-input corpus (${BAD_INPUTS.length}) fails in Check naming the property; no IdP request`, async () => {
  const idp = await startSeedIdp();
  try {
    await withPlugin({}, async (plugin) => {
      await configure(plugin, { initialAccessToken: secret(idp.initialAccessToken) });
      const base = { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" };
      const problems: string[] = [];
      const reasons: string[] = [];
      for (const c of BAD_INPUTS) {
        const r = await plugin.call<pb.CheckResponse>("check", checkRequest({ ...base, ...c.inputs }));
        const failures = r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
        reasons.push(...failures.map((f) => f.reason));
        const named = failures.find((f) => f.property === c.property);
        if (named === undefined)
          problems.push(`${c.name}: no failure naming ${c.property}: ${JSON.stringify(failures)}`);
        else if (!c.reason.test(named.reason))
          problems.push(`${c.name}: reason ${named.reason} !~ ${String(c.reason)}`);
      }
      assert.deepEqual(problems, []);
      assert.equal(idp.requests.count(), 0, "not one request reached the IdP");
      const pems = BAD_INPUTS.map((c) => c.inputs.signingKeyPem).filter((v) => typeof v === "string");
      assert.deepEqual(leaks(reasons.join("\n"), pems), [], "a refused key is never quoted");
    });
  } finally {
    await idp.close();
  }
});
