/**
 * The upgrade a user makes: a stack created by pulumi-dcr as released at OLD_PACKAGE_COMMIT, then
 * the current package installed in its place in the same project (same work dir, backend, stack
 * and config — only node_modules/pulumi-dcr changes, as `npm install` would change it), through
 * the real engine against a real IdP on loopback. The current package must take the old state
 * over as it is: no replacement, the same client and active key, at most one update (and at most
 * one write at the IdP), then a clean `preview --expect-no-changes`, a refresh that writes
 * nothing, a working rotation (DCR_NOW 31 days ahead: one update, a new active key the IdP holds
 * and that signs in), and a destroy that deletes the client.
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import type { DcrClientArgs } from "../../provider/args";
import { createEngineStack, type EngineStack } from "../support/engine";
import { dcrClients, exportWithSecrets } from "../support/engine-ops";
import { startSuiteIdp, type SuiteIdp, type SuiteIdpName } from "../support/idp-suite";
import {
  currentPackageTarball,
  installTarball,
  loadInstalled,
  OLD_PACKAGE_COMMIT,
  oldPackageTarball,
  tarballDigest,
  type InstalledPackage,
} from "../support/old-package";

const DAY = 86400_000;
const ALG = "ES256";

/** Arguments every version since OLD_PACKAGE_COMMIT accepts (nothing newer may appear here). */
function args(idp: SuiteIdp): DcrClientArgs {
  return {
    ...idp.args,
    clientName: "bff-upgrade",
    keyAlgorithm: ALG,
    rotateAfterDays: 30,
    redirectUris: ["https://bff.example.com/auth/callback"],
    metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
  };
}

/** The DcrClient's outputs in state, secrets in clear. */
async function stateOf(engine: EngineStack): Promise<Record<string, unknown>> {
  const bff = dcrClients((await exportWithSecrets(engine)).resources).get("bff");
  assert.ok(bff, "the stack holds the DcrClient");
  return bff.outputs;
}

const kidsOf = (o: Record<string, unknown>): string[] => (o.keys as { kid: string }[]).map((k) => k.kid);
const sorted = (a: readonly string[]): string[] => [...a].sort();

/** Steps of an up/destroy summary other than `same` and `update`: creates, deletes, replacements. */
function otherSteps(changes: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(changes ?? {}).filter(([op, n]) => n > 0 && op !== "same" && op !== "update"),
  );
}

/** The requests that may change something at the IdP (every method but GET), as "METHOD status". */
function writes(idp: SuiteIdp): string[] {
  return idp.requests.entries.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.status}`);
}

/** private_key_jwt at the token endpoint with the state's active key, where the IdP has one (not seed). */
async function signsIn(idp: SuiteIdp, o: Record<string, unknown>, when: string): Promise<void> {
  if (idp.clientCredentials === undefined) return;
  const res = await idp.clientCredentials(o.clientId as string, {
    privateKeyPem: o.privateKeyPem as string,
    kid: o.activeKid as string,
    alg: ALG,
  });
  assert.equal(res.status, 200, `${when}: the active key signs in: ${JSON.stringify(res.body)}`);
}

/** The upgrade test on `name`. */
export function upgradeTest(name: SuiteIdpName): void {
  test(`a stack made by pulumi-dcr ${OLD_PACKAGE_COMMIT.slice(0, 7)} upgraded to the current package (${name})`, async (t) => {
    const oldTarball = oldPackageTarball();
    const newTarball = currentPackageTarball();
    const same = tarballDigest(oldTarball) === tarballDigest(newTarball);
    t.diagnostic(
      `old ${OLD_PACKAGE_COMMIT.slice(0, 12)} and current package: ${same ? "identical" : "different"} tarballs`,
    );
    const idp = await startSuiteIdp(name);
    const installed: { pkg?: InstalledPackage } = {};
    const engine = await createEngineStack({
      projectName: "dcr-upgrade",
      config: idp.config,
      program: async () => {
        const bff = new (installed.pkg as InstalledPackage).DcrClient("bff", { ...args(idp) });
        return { clientId: bff.clientId };
      },
    });
    try {
      // 1. The old package, installed as a user installs it, creates the client.
      installTarball(engine.workDir, oldTarball);
      installed.pkg = loadInstalled(engine.workDir);
      const created = await engine.up();
      assert.equal(created.summary.resourceChanges?.create, 2, "the stack and the DcrClient are created");
      assert.deepEqual(writes(idp), ["POST 201"], "the old package registers once");
      const o1 = await stateOf(engine);
      const clientId = o1.clientId as string;
      assert.deepEqual(await idp.kidsAt(clientId), [o1.activeKid]);
      t.diagnostic(
        `old package: client ${clientId}, active key ${String(o1.activeKid)}, IdP requests: ${idp.requests.count()}`,
      );

      // 2. The current package in its place; the same project runs `pulumi up`.
      const old = installed.pkg;
      installTarball(engine.workDir, newTarball);
      installed.pkg = loadInstalled(engine.workDir);
      assert.notEqual(installed.pkg, old, "the program now runs the freshly installed package");
      idp.requests.reset();
      const upgraded = await engine.up();
      const changes = upgraded.summary.resourceChanges;
      assert.deepEqual(otherSteps(changes), {}, "no create, delete or replace after the upgrade");
      assert.ok((changes?.update ?? 0) <= 1, `at most one update: ${JSON.stringify(changes)}`);
      assert.ok(writes(idp).length <= 1, `at most one write at the IdP: ${JSON.stringify(writes(idp))}`);
      t.diagnostic(`upgrade up: ${JSON.stringify(changes)}, IdP requests: ${idp.requests.count()}`);
      const o2 = await stateOf(engine);
      assert.equal(o2.clientId, clientId, "the same client");
      assert.equal(o2.activeKid, o1.activeKid, "the same active key");
      assert.deepEqual(kidsOf(o2), kidsOf(o1), "the same managed keys");
      assert.equal(o2.privateKeyPem, o1.privateKeyPem, "the same private key in state");
      assert.deepEqual(await idp.kidsAt(clientId), [o1.activeKid], "the IdP holds the same key");
      await signsIn(idp, o2, "after the upgrade");
      await engine.preview({ expectNoChanges: true });

      // 3. The current package reads the client with the RAT the old one stored, and writes nothing.
      idp.requests.reset();
      await engine.refresh();
      assert.deepEqual(writes(idp), [], "refresh writes nothing");
      assert.ok(idp.requests.count("GET") >= 1, "refresh reads the client");
      assert.equal((await stateOf(engine)).activeKid, o1.activeKid);
      await engine.preview({ expectNoChanges: true });

      // 4. Rotation by the current package: one update, a new active key the IdP holds.
      engine.setEnv("DCR_NOW", new Date(Date.now() + 31 * DAY).toISOString());
      const planned = await engine.preview();
      assert.equal(planned.changeSummary.update, 1, "preview shows the rotation as one update");
      idp.requests.reset();
      const rotated = await engine.up();
      assert.equal(rotated.summary.resourceChanges?.update, 1, "rotation is one update");
      assert.deepEqual(otherSteps(rotated.summary.resourceChanges), {}, "rotation replaces nothing");
      assert.equal(writes(idp).length, 1, `rotation is one write at the IdP: ${JSON.stringify(writes(idp))}`);
      const o3 = await stateOf(engine);
      assert.equal(o3.clientId, clientId);
      assert.notEqual(o3.activeKid, o1.activeKid, "a new active key");
      assert.deepEqual(kidsOf(o3), [o3.activeKid, o1.activeKid], "the new key, then the old one for the overlap");
      assert.deepEqual(
        sorted(await idp.kidsAt(clientId)),
        sorted([o3.activeKid as string, o1.activeKid as string]),
        "the IdP publishes the new key next to the old one",
      );
      await signsIn(idp, o3, "after the rotation");
      await engine.preview({ expectNoChanges: true });

      // 5. Destroy deletes the client at the IdP.
      await engine.destroy();
      assert.equal(await idp.exists(clientId), false, "the client is deleted at the IdP");
    } finally {
      await engine.dispose();
      await idp.close();
    }
  });
}
