/**
 * A provider-level fault environment for the reliability suite: a loopback IdP (seed-style or
 * oidc-provider) behind a fault proxy, the provider object as the engine runs it (serialized →
 * deserialized), and the checks every fault test ends with — the state the provider hands back
 * is consistent with what the IdP holds, and no secret leaked into what was thrown.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { e2eRoot, packedModules } from "./engine";
import { startFaultProxy, type FaultAction, type FaultProxy, type FaultRule } from "./fault-proxy";
import { startOidcIdp, type OidcIdp } from "./oidc-idp";
import type { Provider } from "./provider-roundtrip";
import { leaks, outputSecrets } from "./secrets";
import { startSeedIdp, type SeedIdp, type SeedIdpOptions } from "./seed-idp";
import type { DcrInputs, DcrOutputs } from "../../provider/types";

export type Flavor = "seed" | "oidc";

export const DAY = 86_400_000;

export interface FaultEnvOptions {
  flavor: Flavor;
  /** The IdP rotates the RAT on every successful update (seed option; oidc-provider default true). */
  rotateRat?: boolean;
  /** Configure `dcr:adminToken` (seed only: oidc-provider has no renewal API). */
  admin?: boolean;
  /** Extra inputs over the base ones. */
  inputs?: Partial<DcrInputs>;
}

export interface FaultEnv {
  flavor: Flavor;
  idp: SeedIdp | OidcIdp;
  seed?: SeedIdp;
  oidc?: OidcIdp;
  proxy: FaultProxy;
  provider: Provider;
  /** Checked inputs (with __provider), as the engine passes them to create/update. */
  inputs: DcrInputs;
  /** Stack config handed to configure(). */
  config: Record<string, string>;
  /** Re-runs configure() with `config` (the provider's stack config is process-wide). */
  configure(config?: Record<string, string>): Promise<void>;
  /** Registers a client with no fault in place; proxy counts are reset afterwards. */
  createClean(): Promise<{ id: string; outs: DcrOutputs }>;
  /** Kids the IdP holds for `id`. */
  kidsAtIdp(id: string): string[];
  /** Clients registered at the IdP, listed from its storage. */
  clientCount(): number;
  /** True when the state's RAT is accepted right now (one GET through the proxy: check counts first). */
  ratWorks(outs: DcrOutputs): Promise<boolean>;
  /** Every secret value known to this environment, plus those of `outs`. */
  secrets(...outs: (Partial<DcrOutputs> | undefined)[]): string[];
  /** Runs `fn` with DCR_NOW set to now + `days`. */
  at<T>(days: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const seenRats = new Set<string>();

export async function startFaultEnv(opts: FaultEnvOptions): Promise<FaultEnv> {
  const seedOptions: SeedIdpOptions = { rotateRatOnUpdate: opts.rotateRat ?? false };
  const seed = opts.flavor === "seed" ? await startSeedIdp(seedOptions) : undefined;
  const oidc =
    opts.flavor === "oidc" ? await startOidcIdp({ rotateRegistrationAccessToken: opts.rotateRat ?? true }) : undefined;
  const idp = (seed ?? oidc) as SeedIdp | OidcIdp;
  const upstream = seed ? seed.baseUrl : (oidc as OidcIdp).issuer;
  const proxy = await startFaultProxy(upstream);
  const config: Record<string, string> = { "dcr:initialAccessToken": idp.initialAccessToken };
  if (opts.admin && seed) config["dcr:adminToken"] = seed.adminToken;
  const { provider, text } = await engineProvider();
  const base: Record<string, unknown> = seed
    ? { registrationEndpoint: proxy.url(seed.registrationEndpoint), updateMethod: "PATCH", profile: "code-flow-pkjwt" }
    : {
        registrationEndpoint: proxy.url((oidc as OidcIdp).registrationEndpoint),
        updateMethod: "PUT",
        metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
      };
  const raw = {
    ...base,
    clientName: `bff-${opts.flavor}`,
    keyAlgorithm: "ES256",
    redirectUris: ["https://bff.example.com/cb"],
    timeoutSeconds: 2,
    ...opts.inputs,
    __provider: text,
  } as unknown as DcrInputs;
  await provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k] as string } });
  const checked = await provider.check({} as DcrInputs, raw);
  assert.deepEqual(checked.failures ?? [], [], `the base inputs are valid: ${JSON.stringify(checked.failures)}`);
  const inputs = checked.inputs as DcrInputs;

  const kidsAtIdp = (id: string): string[] => {
    const record = idp.getClient(id) as { jwks?: { keys?: { kid?: string }[] } } | undefined;
    return (record?.jwks?.keys ?? []).map((k) => String(k.kid));
  };

  const env: FaultEnv = {
    flavor: opts.flavor,
    idp,
    ...(seed ? { seed } : {}),
    ...(oidc ? { oidc } : {}),
    proxy,
    provider,
    inputs,
    config,
    async configure(c = config) {
      await provider.configure({ config: { get: (k: string) => c[k], require: (k: string) => c[k] as string } });
    },
    async createClean() {
      await env.configure();
      const created = await provider.create(inputs);
      const outs = created.outs as DcrOutputs;
      seenRats.add(outs.registrationAccessToken);
      proxy.reset();
      idp.requests.reset();
      return { id: created.id, outs };
    },
    kidsAtIdp,
    clientCount: () => idp.clientIds().length,
    async ratWorks(outs) {
      const res = await fetch(outs.registrationClientUri, {
        headers: { authorization: `Bearer ${outs.registrationAccessToken}` },
      });
      await res.body?.cancel();
      return res.status === 200;
    },
    secrets(...outs) {
      const values: string[] = [idp.initialAccessToken, ...seenRats];
      if (seed) {
        values.push(seed.adminToken);
        for (const id of seed.clientIds()) {
          const rat = seed.currentRat(id);
          if (rat) values.push(rat);
        }
      }
      for (const o of outs) values.push(...outputSecrets(o as Record<string, unknown> | undefined));
      return values;
    },
    async at(days, fn) {
      process.env.DCR_NOW = new Date(Date.now() + days * DAY).toISOString();
      try {
        return await fn();
      } finally {
        delete process.env.DCR_NOW;
      }
    },
    async close() {
      delete process.env.DCR_NOW;
      await proxy.close();
      await idp.close();
    },
  };
  return env;
}

/**
 * The provider object exactly as DcrClient hands it to pulumi.dynamic.Resource (the stub object
 * captured by value, so its methods `require("pulumi-dcr/dist/provider/dynamic.js")`), serialized
 * and loaded the way the dynamic-provider host loads `__provider`.
 */
async function engineProvider(): Promise<{ provider: Provider; text: string }> {
  const stub = require(path.join(packedModules, "pulumi-dcr", "dist", "provider", "provider-stub.js")) as {
    dcrProvider: object;
  };
  const dcrProvider = stub.dcrProvider;
  const { text } = await pulumi.runtime.serializeFunction(() => dcrProvider, { allowSecrets: false });
  const requireFromString = require("require-from-string") as (
    code: string,
    filename?: string,
  ) => { handler(): Provider };
  return { provider: requireFromString(text, path.join(e2eRoot, "__provider.js")).handler(), text };
}

/** What a provider call threw, with the DcrError found in it (itself or its cause). */
export interface Thrown {
  error: Error & { id?: string; properties?: Record<string, unknown>; code?: string };
  code: string | undefined;
  /** Message of the error and of every cause (what the engine shows). */
  text: string;
}

/** Awaits `p`, which must reject; returns what it threw. */
export async function thrown(p: Promise<unknown>): Promise<Thrown> {
  try {
    await p;
  } catch (e) {
    const error = e as Thrown["error"];
    let code: string | undefined;
    let text = "";
    for (let cur: unknown = e; cur instanceof Error; cur = cur.cause) {
      text += `${cur.message}\n${cur.stack ?? ""}\n`;
      const c = (cur as { code?: unknown }).code;
      code ??= typeof c === "string" && c.startsWith("ERR_") ? c : undefined;
    }
    return { error, code, text };
  }
  assert.fail("expected the call to fail");
}

/** Asserts no value of `secrets` appears in `text` (`where` names the place in the failure). */
export function assertNoLeak(text: string, secrets: readonly unknown[], where: string): void {
  assert.deepEqual(leaks(text, secrets), [], `${where}: a secret value appears`);
}

/**
 * Awaits `p`, which must reject, and asserts that no secret known to `env` (nor of `outs`)
 * appears in what it threw; returns what it threw.
 */
export async function thrownClean(
  env: FaultEnv,
  p: Promise<unknown>,
  where: string,
  ...outs: (Partial<DcrOutputs> | undefined)[]
): Promise<Thrown> {
  const t = await thrown(p);
  assertNoLeak(t.text, env.secrets(...outs), where);
  return t;
}

/**
 * The partial state a failed update hands the engine: the error must carry the client's id and
 * the outputs to keep (without them the engine keeps the old outputs, and a RAT or key the IdP
 * accepted would be lost).
 */
export function partialState(t: Thrown, id: string, where: string): DcrOutputs {
  assert.equal(t.error.id, id, `${where}: the error carries the client's id (partial state)`);
  const kept = t.error.properties;
  assert.ok(kept !== undefined && typeof kept === "object", `${where}: the error carries partial state`);
  return kept as unknown as DcrOutputs;
}

/** Asserts every fault rule added since the last `clearRules` was used: the fault really happened. */
export function assertFired(env: FaultEnv, where: string): void {
  assert.equal(env.proxy.pendingRules(), 0, `${where}: the fault rule was used`);
  assert.ok(env.proxy.faults() >= 1, `${where}: a request met the fault`);
}

/**
 * The state invariants after any fault:
 *  - the IdP holds exactly one client (every fault test registers one): no duplicate client,
 *    counted in the IdP's storage;
 *  - the state's RAT is accepted by the IdP (no RAT lost);
 *  - every key recorded in state is held by the IdP (no key recorded that the IdP never
 *    accepted), the active one included with its private half recorded;
 *  - every key of ours the IdP holds is recorded — as a managed key, or in usedKids when its
 *    publication was never confirmed (then it is never reused and is removed by the next update).
 */
export async function assertConsistent(env: FaultEnv, id: string, outs: DcrOutputs, where: string): Promise<void> {
  assert.equal(env.clientCount(), 1, `${where}: the IdP holds one client: no duplicate`);
  assert.ok(env.idp.clientIds().includes(id), `${where}: the client in state exists at the IdP`);
  assert.ok(await env.ratWorks(outs), `${where}: the RAT in state is accepted by the IdP`);
  const atIdp = env.kidsAtIdp(id);
  const recorded = outs.keys.map((k) => k.kid);
  for (const kid of recorded)
    assert.ok(atIdp.includes(kid), `${where}: recorded key ${kid} is held by the IdP (${atIdp.join(", ")})`);
  assert.ok(atIdp.includes(outs.activeKid), `${where}: the active key is at the IdP`);
  // Keys inherited from an adopted client have no private half here: recorded, aged, never active.
  const privateKids = outs.privateJwks.keys.map((k) => String(k.kid));
  assert.ok(privateKids.includes(outs.activeKid), `${where}: the active key's private half is recorded`);
  for (const kid of privateKids)
    assert.ok(recorded.includes(kid), `${where}: private key ${kid} belongs to a recorded key`);
  const known = new Set([...recorded, ...outs.usedKids]);
  for (const kid of atIdp) assert.ok(known.has(kid), `${where}: key ${kid} at the IdP is recorded in state`);
}

/** After a successful update: the IdP holds exactly the recorded keys (nothing stale left behind). */
export function assertExactKeys(env: FaultEnv, id: string, outs: DcrOutputs, where: string): void {
  assert.deepEqual(
    [...env.kidsAtIdp(id)].sort(),
    outs.keys.map((k) => k.kid).sort(),
    `${where}: the IdP holds exactly the recorded keys`,
  );
}

/** A rule helper: `times` matching requests of `method` under `path` get `action`. */
export function rule(method: string, path: string | RegExp, action: FaultRule["action"], times = 1): FaultRule {
  return { method, path, action, times };
}

// ---- shared by the provider-level fault matrix files -----------------------------------------

export const SEED_REG = "/api/oidc/register";
export const OIDC_REG = "/reg";
export const regPath = (env: FaultEnv) => (env.flavor === "seed" ? SEED_REG : OIDC_REG);
export const clientPath = (env: FaultEnv) => `${regPath(env)}/`;
export const RENEW = "/api/admin/dcr/clients/";

/** Faults a request that was NOT applied at the IdP answers with (retrying is always safe). */
export const NOT_APPLIED: [string, FaultAction][] = [
  ["delay 300 ms", { kind: "delay", ms: 300 }],
  ["connection cut before forwarding", { kind: "dropBefore" }],
  ["429 Retry-After: 0", { kind: "status", status: 429, retryAfter: "0" }],
  ["500", { kind: "status", status: 500 }],
  ["502", { kind: "status", status: 502 }],
  ["503 Retry-After: 1", { kind: "status", status: 503, retryAfter: "1" }],
];
/** Faults after the IdP applied the request: the answer is lost or useless. */
export const APPLIED_LOST: [string, FaultAction][] = [
  ["connection cut after forwarding", { kind: "dropAfter" }],
  ["502 after forwarding", { kind: "statusAfter", status: 502 }],
  ["body truncated", { kind: "truncate" }],
  ["answer slower than the 2 s timeout", { kind: "slowAnswer", ms: 2600 }],
];

export async function withEnv(opts: FaultEnvOptions, fn: (env: FaultEnv) => Promise<void>): Promise<void> {
  const env = await startFaultEnv(opts);
  try {
    await env.configure();
    await fn(env);
  } finally {
    await env.close();
  }
}

/** Update with a rotation due (31 days ahead): a new key must be published. */
export function rotate(env: FaultEnv, id: string, outs: DcrOutputs) {
  return env.at(31, () => env.provider.update(id, outs, env.inputs));
}
