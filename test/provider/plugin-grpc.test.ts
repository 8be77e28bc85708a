/**
 * The provider plugin as the engine drives it: the BUNDLED `pulumi-resource-dcr` process (its
 * launcher, the engine's address as argument, the port read from its first stdout line), called
 * over gRPC with the engine's own message types, against oidc-provider: config, Check, the
 * lifecycle. A fake Engine service receives the plugin's Log lines. (Seed fixture cases:
 * plugin-grpc-seed.test.ts.)
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { startOidcIdp, type OidcIdp } from "../support/oidc-idp";
import { leaks, outputSecrets } from "../support/secrets";
import { UNKNOWN, empty, secret, struct } from "../support/plugin-process";
import { URN, checkRequest, configure, open, withPlugin } from "../support/plugin-calls";

const DAY = 86_400_000;

async function withOidc(fn: (idp: OidcIdp) => Promise<void>): Promise<void> {
  const idp = await startOidcIdp();
  try {
    await fn(idp);
  } finally {
    await idp.close();
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
      // The due rotation is the key it adds to the one held (detailed-diff.ts), and jwks changes.
      const shown: [string, number, boolean][] = [];
      due.getDetaileddiffMap().forEach((d, path) => shown.push([path, d.getKind(), d.getInputdiff()]));
      assert.deepEqual(shown, [["jwks.keys[1]", pb.PropertyDiff.Kind.ADD, true]]);
      assert.deepEqual(due.getDiffsList(), ["jwks"]);
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
