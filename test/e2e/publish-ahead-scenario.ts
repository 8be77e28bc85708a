/**
 * Publishing the next key ahead of use, through the real engine, for an IdP of the suite:
 * day 0 create → day 23 the next key is published (the active key unchanged) and already
 * works at the IdP → day 30 it becomes the active key with no request to the IdP → day 53 the
 * next one is published → day 60 it activates and the first key retires. With `jwksUri`, the
 * `jwks` output carries the next key from day 23. Time is DCR_NOW; the IdP's request count per
 * phase is printed (console.log) and asserted.
 *
 * One test file per IdP (publish-ahead-<idp>.test.ts) calls {@link publishAheadTests}, so the
 * IdPs run concurrently.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { startSuiteIdp, type SuiteIdpName } from "../support/idp-suite";
import { createDcrStack, type DcrStack } from "../support/dcr-stack";
import { exitOf } from "../support/engine-ops";
import { leaks } from "../support/secrets";
import type { DcrClientArgs } from "../../provider/args";

const DAY = 86400_000;
const ALG = "ES256";

/** A running IdP, as the phases need it. */
interface RunningIdp {
  /** DcrClient arguments that reach this IdP (the key policy is added by the test). */
  args: DcrClientArgs;
  /** Stack config: the Initial Access Token and whatever else the IdP needs. */
  config: ConfigMap;
  /** Requests the IdP served since the last reset (every method and path). */
  requests: { count(): number; reset(): void };
  /** How `keyWorks` proves a key, for the log. */
  proof: string;
  /** Whether `key` is accepted for the client at the IdP now. */
  keyWorks(clientId: string, key: { kid: string; privateKeyPem: string }): Promise<boolean>;
  close(): Promise<void>;
}

/** The suite's IdP as the phases need it. */
async function start(name: SuiteIdpName): Promise<RunningIdp> {
  const idp = await startSuiteIdp(name);
  const prove = idp.clientCredentials;
  return {
    args: {
      ...idp.args,
      redirectUris: ["https://bff.example.com/auth/callback"],
      metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
    },
    config: idp.config,
    requests: idp.requests,
    // The seed fixture has no token endpoint: there a key "works" when the IdP holds it for the client.
    proof:
      prove !== undefined
        ? "private_key_jwt client_credentials grant at the token endpoint"
        : "the kid is in the client's jwks as the IdP holds it (no token endpoint)",
    keyWorks: async (clientId, key) =>
      prove !== undefined
        ? (await prove(clientId, { ...key, alg: ALG })).status === 200
        : (await idp.kidsAt(clientId)).includes(key.kid),
    close: () => idp.close(),
  };
}

/** The policy under test; publishAheadDays comes from stack config (`dcr:publishAheadDays`). */
const POLICY: DcrClientArgs = {
  keyAlgorithm: ALG,
  kidPrefix: "bff-sig",
  rotateAfterDays: 30,
  retireAfterDays: 60,
  maxKeys: 3,
};
const AHEAD: ConfigMap = { "dcr:publishAheadDays": { value: "7" } };

type Outputs = Record<string, unknown> & {
  keys: { kid: string; createdAt: string; activatesAt?: string; activatedAt?: string }[];
};

/** `pulumi preview --expect-no-changes`: the CLI's exit code and what it printed. */
async function alarm(stack: DcrStack): Promise<{ code: number; out: string }> {
  try {
    const r = await stack.preview({ expectNoChanges: true });
    return { code: 0, out: r.stdout };
  } catch (e) {
    return exitOf(e);
  }
}

/** Registers the publish-ahead tests for one IdP of the suite. */
export function publishAheadTests(name: SuiteIdpName): void {
  const entry = { name, start: () => start(name) };
  test(`publish ahead, inline jwks, ${entry.name}: day 0 create, 23 publish, 30 switch with no request, 53 publish, 60 switch + retire`, async () => {
    const idp = await entry.start();
    const stack = await createDcrStack({ bff: { ...idp.args, ...POLICY } }, { config: { ...idp.config, ...AHEAD } });
    const t0 = Date.now();
    const day = (n: number) => stack.setEnv("DCR_NOW", new Date(t0 + n * DAY).toISOString());
    const counts: string[] = [];
    const up = async (n: number, phase: string) => {
      day(n);
      idp.requests.reset();
      const r = await stack.up();
      counts.push(`day ${n} ${phase}: ${idp.requests.count()}`);
      console.log(
        `publish-ahead [${entry.name}, inline jwks] day ${n} ${phase}: ${idp.requests.count()} IdP request(s)`,
      );
      return { r, o: (await stack.outputsOf("bff")) as Outputs, requests: idp.requests.count() };
    };
    try {
      const { o: o0 } = await up(0, "create");
      const [k1] = o0.keys;
      assert.ok(k1 && o0.activeKid === k1.kid && o0.nextKid === undefined);
      assert.equal(
        Date.parse(o0.nextRotationAt as string),
        Date.parse(k1.createdAt) + 23 * DAY,
        "the next step: publication on day 23",
      );
      assert.ok(await idp.keyWorks(o0.clientId as string, { kid: k1.kid, privateKeyPem: o0.privateKeyPem as string }));
      const clientId = o0.clientId as string;

      // Day 23: the forecast names the step; the alarm fires (exit 7); `up` publishes the next key.
      day(23);
      const due23 = await alarm(stack);
      assert.equal(due23.code, 7, `preview --expect-no-changes exits 7 when a step is due:\n${due23.out.slice(-2000)}`);
      assert.match(due23.out, /publication of the next key \(key bff-sig-\S+ is due to rotate\) was due at/);
      const { r: r23, o: o23, requests: q23 } = await up(23, "publish");
      assert.equal(o23.activeKid, k1.kid, "the active key is unchanged");
      assert.equal(o23.privateKeyPem, o0.privateKeyPem);
      const k2 = o23.nextKid as string;
      assert.match(k2, /^bff-sig-\d{8}T\d{6}Z$/);
      assert.equal(
        o23.nextKeyActivatesAt,
        new Date(Date.parse(k1.createdAt) + 30 * DAY).toISOString(),
        "active on the due date",
      );
      assert.equal(o23.nextRotationAt, o23.nextKeyActivatesAt, "the next step: activation");
      assert.deepEqual(
        (o23.privateJwks as { keys: { kid: string }[] }).keys.map((k) => k.kid),
        [k1.kid],
        "privateJwks: the active key only",
      );
      assert.match(
        r23.stdout,
        new RegExp(`JWKS rotated successfully; active key ${k1.kid}; next key ${k2} published ahead`),
      );
      assert.ok(q23 > 0, "publication is an update at the IdP");
      assert.ok(
        await idp.keyWorks(clientId, { kid: k2, privateKeyPem: o23.nextPrivateKeyPem as string }),
        `the next key already works before it is active (${idp.proof})`,
      );
      assert.equal((await alarm(stack)).code, 0, "nothing else due on day 23");

      // Day 30: the switch, with zero requests — the IdP has held the key since day 23.
      day(30);
      const due30 = await alarm(stack);
      assert.equal(due30.code, 7);
      assert.match(due30.out, new RegExp(`activation of key ${k2} \\(published ahead\\) was due at`));
      const { r: r30, o: o30, requests: q30 } = await up(30, "switch");
      assert.equal(q30, 0, "the switch sends nothing to the IdP");
      assert.equal(o30.activeKid, k2);
      assert.equal(
        o30.privateKeyPem,
        o23.nextPrivateKeyPem,
        "privateKeyPem is the PEM pre-loaded from nextPrivateKeyPem",
      );
      assert.deepEqual(
        (o30.privateJwks as { keys: { kid: string }[] }).keys.map((k) => k.kid),
        [k2],
      );
      assert.equal(o30.nextKid, undefined);
      assert.equal(o30.nextPrivateKeyPem, undefined);
      assert.match(r30.stdout, new RegExp(`key ${k2}, published ahead at \\S+, becomes the active key`));
      assert.ok(await idp.keyWorks(clientId, { kid: k2, privateKeyPem: o30.privateKeyPem as string }));
      assert.ok(
        await idp.keyWorks(clientId, { kid: k1.kid, privateKeyPem: o0.privateKeyPem as string }),
        "the previous key still overlaps",
      );
      assert.equal((await alarm(stack)).code, 0, "settled after the switch");

      // Day 53: the next publication counts from day 30's activation; day 60: switch + k1 retires.
      const { o: o53 } = await up(53, "publish");
      const k3 = o53.nextKid as string;
      assert.ok(k3 && k3 !== k2 && o53.activeKid === k2);
      assert.deepEqual(
        o53.keys.map((k) => k.kid),
        [k3, k2, k1.kid],
        "next, active, previous: maxKeys 3",
      );
      const { o: o60, requests: q60 } = await up(60, "switch + retire");
      assert.equal(o60.activeKid, k3);
      assert.deepEqual(
        o60.keys.map((k) => k.kid),
        [k3, k2],
        "the first key retired (60 days from its creation)",
      );
      assert.ok(q60 > 0, "removing the retired key is an update at the IdP");
      assert.equal(
        await idp.keyWorks(clientId, { kid: k1.kid, privateKeyPem: o0.privateKeyPem as string }),
        false,
        "the retired key no longer works",
      );

      const exported = await stack.exportText();
      assert.deepEqual(
        leaks(exported, [o23.nextPrivateKeyPem, o53.nextPrivateKeyPem, o60.privateKeyPem]),
        [],
        "nextPrivateKeyPem is encrypted in state",
      );
      console.log(
        `publish-ahead [${entry.name}, inline jwks] requests per phase: ${counts.join("; ")} (proof of a key: ${idp.proof})`,
      );
      await stack.destroy();
    } finally {
      await stack.dispose();
      await idp.close();
    }
  });

  test(`publish ahead, jwksUri, ${entry.name}: the jwks output carries the next key from day 23; no IdP request at 23 or 30`, async () => {
    const idp = await entry.start();
    const jwksUri = "https://bff.example.com/.well-known/jwks.json";
    const stack = await createDcrStack(
      { bff: { ...idp.args, ...POLICY, jwksUri } },
      { config: { ...idp.config, ...AHEAD } },
    );
    const t0 = Date.now();
    const served = (o: Record<string, unknown>) => (o.jwks as { keys: { kid: string; d?: string }[] }).keys;
    try {
      stack.setEnv("DCR_NOW", new Date(t0).toISOString());
      await stack.up();
      const o0 = await stack.outputsOf("bff");
      const counts: string[] = [];
      const upAt = async (n: number) => {
        stack.setEnv("DCR_NOW", new Date(t0 + n * DAY).toISOString());
        idp.requests.reset();
        await stack.up();
        counts.push(`day ${n}: ${idp.requests.count()}`);
        assert.equal(idp.requests.count(), 0, `day ${n}: jwks_uri is unchanged, nothing is sent`);
        return stack.outputsOf("bff");
      };
      const o23 = await upAt(23);
      assert.equal(o23.activeKid, o0.activeKid, "day 23: the active key is unchanged");
      assert.ok(typeof o23.nextKid === "string");
      assert.deepEqual(
        served(o23).map((k) => k.kid),
        [o23.nextKid, o0.activeKid],
        "day 23: the served set already carries the next key",
      );
      const o30 = await upAt(30);
      console.log(`publish-ahead [${entry.name}, jwksUri] requests per phase: ${counts.join("; ")}`);
      assert.equal(o30.activeKid, o23.nextKid, "switched on day 30");
      assert.deepEqual(served(o30), served(o23), "the served set is unchanged by the switch");
      assert.ok(
        served(o30).every((k) => k.d === undefined),
        "public keys only",
      );
      await stack.destroy();
    } finally {
      await stack.dispose();
      await idp.close();
    }
  });
}
