/**
 * The provider plugin through the real Pulumi CLI: `pulumi-resource-dcr` installed into the
 * stack's PULUMI_HOME from the archive (`pulumi plugin install resource dcr 0.1.0 --file …`), an
 * inline Node.js program using the generated Node.js SDK (`dcr.Client`, compiled from sdk/nodejs
 * by `npm run artifacts`), against oidc-provider: create, clean preview, a no-op up that sends no
 * request, refresh, a due rotation shown by `preview --diff`, the rotation, a config change that
 * updates the provider in place, state without secrets in clear, destroy; and against the seed
 * fixture, partial state the engine keeps from the plugin's init-failed error, `adopt` (the
 * plugin's answer to `pulumi import`, which cannot bring a client's private key) taking over a
 * client registered out of band, and a server that bends RFC 7592 (no delete, refused tokens as 400).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { startOidcIdp } from "../support/oidc-idp";
import { createEngineStack, type EngineStack } from "../support/engine";
import { startSeedIdp } from "../support/seed-idp";
import { leaks } from "../support/secrets";
import { artifactsDir, installPlugin } from "../support/lang-tools";
import { kidsOf, registerWithIat } from "../support/plain-dcr";

const DAY = 86_400_000;

/** Outputs the program exports. */
const OUTPUTS = [
  "clientId",
  "activeKid",
  "nextKid",
  "jwks",
  "registrationAccessToken",
  "privateKeyPem",
  "keys",
] as const;

/** The generated Node.js SDK as a user installs it (`npm run artifacts` compiles sdk/nodejs there). */
interface NodeSdk {
  Client: new (name: string, args: Record<string, unknown>) => Record<(typeof OUTPUTS)[number], pulumi.Output<unknown>>;
}
const sdkDir = path.join(artifactsDir, "nodejs");

/** A resource of `type` in the stack's state (`stack export`), if any. */
async function stateOf(
  stack: Stack,
  type: string,
): Promise<{ id?: string; outputs?: Record<string, unknown> } | undefined> {
  const state = await stack.exportStack();
  const resources = (state.deployment as { resources?: { type: string; id?: string }[] }).resources ?? [];
  return resources.find((r) => r.type === type);
}

/** The id of the stack's default dcr provider (a new one would mean the provider was replaced). */
async function defaultProviderId(stack: Stack): Promise<string> {
  const provider = await stateOf(stack, "pulumi:providers:dcr");
  assert.ok(provider?.id !== undefined, "the default dcr provider is in state");
  return provider.id;
}

/**
 * A stack whose program registers one `dcr:index:Client` "bff" with `args`, the IAT as secret
 * config, and the plugin installed into its PULUMI_HOME from the archive.
 */
async function pluginStack(args: Record<string, unknown>, initialAccessToken: string): Promise<EngineStack> {
  const program = async (): Promise<Record<string, unknown>> => {
    const { Client } = require(sdkDir) as NodeSdk;
    const client = new Client("bff", args);
    return Object.fromEntries(OUTPUTS.map((k) => [k, client[k]]));
  };
  const stack = await createEngineStack({
    program,
    projectName: "dcr-plugin-e2e",
    config: { "dcr:initialAccessToken": { value: initialAccessToken, secret: true } },
  });
  await installPlugin(stack.pulumiHome);
  return stack;
}

test("plugin through the engine (Node.js program, oidc-provider): create, no-op, preview --diff shows jwks, rotate, destroy", async () => {
  const idp = await startOidcIdp();
  const stack = await pluginStack(
    {
      registrationEndpoint: idp.registrationEndpoint,
      clientName: "bff",
      redirectUris: ["https://bff.example.test/cb"],
    },
    idp.initialAccessToken,
  );
  try {
    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");
    const clientId = up.outputs.clientId?.value as string;
    assert.equal(idp.getClient(clientId)?.client_name, "bff", "registered through the plugin");
    assert.equal(up.outputs.privateKeyPem?.secret, true, "the private key is a secret output");
    assert.equal(up.outputs.registrationAccessToken?.secret, true, "the RAT is a secret output");
    const firstKid = up.outputs.activeKid?.value as string;

    await stack.preview({ expectNoChanges: true });
    idp.requests.reset();
    await stack.refresh();
    assert.equal(idp.requests.count("GET"), 1, "refresh reads the client once");
    await stack.preview({ expectNoChanges: true }); // refresh kept the inputs
    idp.requests.reset();
    const noop = await stack.up();
    assert.deepEqual(noop.summary.resourceChanges, { same: 2 }, "nothing changes (stack + client)");
    assert.equal(idp.requests.count(), 0, "a no-op up sends no request to the IdP");

    stack.setEnv("DCR_NOW", new Date(Date.now() + 31 * DAY).toISOString());
    const due = await stack.preview();
    assert.deepEqual(due.changeSummary, { same: 1, update: 1 }, due.stdout);
    assert.match(due.stdout, /~ dcr:index:Client: \(update\)/, due.stdout);
    // A due rotation is sent as the jwks element it adds (detailed-diff.ts): --diff shows jwks
    // updated with one key to come, and the progress view lists it as `~jwks`.
    assert.match(
      due.stdout,
      /^\s+~ jwks: \{\n\s+~ keys: \[\n\s+\+ \[1\]: \[unknown\]\n/m,
      `preview --diff shows ~ jwks:\n${due.stdout}`,
    );
    assert.match(due.stderr, /warning: DcrClient \S+: jwks: rotation of key \S+ was due at /, due.stderr);
    const rows = await stack.stack.preview();
    assert.match(rows.stdout, /dcr:index:Client\s+bff\s+update\s+\[diff: ~jwks\]/, rows.stdout);
    assert.equal(idp.requests.count(), 0, "preview sends no request");

    const rotated = await stack.up();
    assert.equal(rotated.summary.result, "succeeded");
    const newKid = rotated.outputs.activeKid?.value as string;
    assert.notEqual(newKid, firstKid, "a new active key");
    const held = (idp.getClient(clientId)?.jwks as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    assert.deepEqual(held.sort(), [firstKid, newKid].sort(), "the IdP holds the new key and the previous one");

    // A provider config change updates the provider in place (DiffConfig): the client is updated, not replaced.
    const providerId = await defaultProviderId(stack.stack);
    await stack.stack.setConfig("dcr:rotateAfterDays", { value: "45" });
    const reconfigured = await stack.preview();
    assert.deepEqual(reconfigured.changeSummary, { same: 1, update: 1 }, reconfigured.stdout);
    assert.match(reconfigured.stdout, /\+ rotateAfterDays: 45$/m, reconfigured.stdout);
    assert.doesNotMatch(reconfigured.stdout, /replace/, reconfigured.stdout);
    const after = await stack.up();
    assert.equal(after.outputs.clientId?.value, clientId, "the same client");
    assert.equal(await defaultProviderId(stack.stack), providerId, "the provider was updated in place, not replaced");

    const secrets = [
      idp.initialAccessToken,
      rotated.outputs.privateKeyPem?.value,
      rotated.outputs.registrationAccessToken?.value,
      up.outputs.privateKeyPem?.value,
    ];
    assert.deepEqual(leaks(await stack.exportText(), secrets), [], "no secret in clear in `pulumi stack export`");

    await stack.destroy();
    assert.equal(idp.getClient(clientId), undefined, "destroy deleted the client");
  } finally {
    await stack.dispose();
    await idp.close();
  }
});

test("plugin through the engine: a key published ahead shows as ~ jwks when published, and its activation sends no request", async () => {
  const idp = await startOidcIdp();
  const stack = await pluginStack(
    {
      registrationEndpoint: idp.registrationEndpoint,
      redirectUris: ["https://bff.example.test/cb"],
      keyAlgorithm: "ES256",
      rotateAfterDays: 30,
      publishAheadDays: 7,
    },
    idp.initialAccessToken,
  );
  const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
  try {
    const first = (await stack.up()).outputs.activeKid?.value as string;

    stack.setEnv("DCR_NOW", at(24)); // publication was due at day 23
    const publication = await stack.preview();
    assert.match(publication.stdout, /^\s+~ jwks: \{\n\s+~ keys: \[\n\s+\+ \[1\]: \[unknown\]\n/m, publication.stdout);
    const published = await stack.up();
    const next = published.outputs.nextKid?.value as string;
    assert.equal(published.outputs.activeKid?.value, first, "the published key does not sign yet");
    assert.deepEqual(kidsOf(idp.getClient(published.outputs.clientId?.value as string)).sort(), [first, next].sort());

    stack.setEnv("DCR_NOW", at(32)); // published 8 days ago, rotation due at day 30
    const activation = await stack.preview();
    assert.match(activation.stdout, /~ dcr:index:Client: \(update\)/, activation.stdout);
    assert.doesNotMatch(activation.stdout, /- jwks/, "no key leaves the IdP's set: it is not shown as deleted");
    assert.match(activation.stdout, /^\s+\+ activeKid: \[unknown\]$/m, "the switch of the signing key is shown");
    idp.requests.reset();
    const activated = await stack.up();
    assert.equal(activated.outputs.activeKid?.value, next, "the published key signs now");
    assert.equal(idp.requests.count(), 0, "activation sends no request: the IdP has held the key since publication");

    await stack.destroy();
  } finally {
    await stack.dispose();
    await idp.close();
  }
});

test("plugin through the engine: a registration answer it cannot use keeps the client and its RAT as partial state; destroy deletes it", async () => {
  const idp = await startSeedIdp({ hostileRegistration: "deep" });
  const stack = await pluginStack(
    { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" },
    idp.initialAccessToken,
  );
  try {
    const failed = await stack.up().then(
      () => assert.fail("up must fail"),
      (e: unknown) => String(e),
    );
    assert.match(failed, /\[ERR_IDP_RESPONSE\] /, failed);
    assert.match(failed, /kept in state/);
    const [id] = idp.clientIds();
    assert.ok(id !== undefined, "the client exists at the IdP");
    const kept = await stateOf(stack.stack, "dcr:index:Client");
    assert.equal(kept?.id, id, "partial state holds the client");
    const rat = idp.currentRat(id);
    const stored = kept?.outputs?.registrationAccessToken as Record<string, unknown> | undefined;
    assert.equal(stored?.plaintext, JSON.stringify(rat), "and its RAT, as a secret");
    assert.deepEqual(leaks(await stack.exportText(), [rat]), [], "never in clear in `pulumi stack export`");
    assert.equal(idp.registrations.length, 1, "registered once");

    await stack.destroy();
    assert.deepEqual(idp.clientIds(), [], "deleted with the kept RAT");
  } finally {
    await stack.dispose();
    await idp.close();
  }
});

test("plugin through the engine: adopt takes over a client registered out of band (what pulumi import cannot do)", async () => {
  const idp = await startSeedIdp();
  const existing = await registerWithIat(idp, {
    client_name: "legacy-bff",
    redirect_uris: ["https://bff.example.com/cb"],
    token_endpoint_auth_method: "private_key_jwt",
  });
  const stack = await pluginStack(
    {
      registrationEndpoint: idp.registrationEndpoint,
      updateMethod: "PATCH",
      adopt: pulumi.secret({ clientId: existing.id, registrationAccessToken: existing.rat }),
    },
    idp.initialAccessToken,
  );
  try {
    const up = await stack.up();
    assert.equal(up.outputs.clientId?.value, existing.id, "the existing client is managed, not a new one");
    assert.equal(idp.registrations.length, 1, "nothing registered by the plugin");
    const kid = up.outputs.activeKid?.value as string;
    assert.deepEqual(kidsOf(idp.getClient(existing.id)), [kid], "our key is published on the adopted client");
    await stack.preview({ expectNoChanges: true });
    const rat = up.outputs.registrationAccessToken?.value as string;
    assert.deepEqual(leaks(await stack.exportText(), [existing.rat, rat]), [], "the adopted RAT stays a secret");

    await stack.destroy();
    assert.deepEqual(idp.clientIds(), [], "destroy deleted the adopted client");
  } finally {
    await stack.dispose();
    await idp.close();
  }
});

test("plugin through the engine: a server that cannot delete (405) and refuses tokens with 400: destroy keeps the client with the advice; a dead RAT is ERR_RAT_INVALID", async () => {
  const idp = await startSeedIdp({ readOnlyManagement: 405, refusedTokenAs400: "invalid_token" });
  const stack = await pluginStack(
    { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" },
    idp.initialAccessToken,
  );
  try {
    const up = await stack.up();
    const id = up.outputs.clientId?.value as string;

    const destroying = await stack.destroy().then(
      () => assert.fail("destroy must fail"),
      (e: unknown) => String(e),
    );
    assert.match(destroying, /\[ERR_IDP_UNSUPPORTED\] /, destroying);
    assert.match(destroying, /pulumi state delete/);
    assert.equal((await stateOf(stack.stack, "dcr:index:Client"))?.id, id, "the resource stays in state");
    assert.notEqual(idp.getClient(id), undefined, "the client still exists at the IdP: no silent orphan");

    idp.expireRat(id);
    const refused = await stack.refresh().then(
      () => assert.fail("refresh must fail"),
      (e: unknown) => String(e),
    );
    assert.match(refused, /\[ERR_RAT_INVALID\] /, "a token refused with 400 invalid_token is a refused token");
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
