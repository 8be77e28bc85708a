/**
 * Section 2 — provider overhead: the provider object after a serialize → deserialize round trip
 * (as the engine runs it) against plain fetch doing the same exchanges, interleaved, on both
 * IdPs. Key generation inside a provider call is timed on its own and excluded from the ratio.
 * Also: a no-op diff's latency and request count over many calls.
 */
import * as jose from "jose";
import { performance } from "node:perf_hooks";
import { roundTripProvider, type Provider } from "../test/support/provider-roundtrip";
import type { DcrInputs, DcrOutputs } from "../provider/types";
import { rawDelete, rawRead, rawRegister, rawUpdate, type RawHandle } from "./raw-http";
import { withIdp, type BenchIdp, type IdpName } from "./idps";
import { installKeygenProbe, type KeygenProbe } from "./keygen-probe";
import type { BenchConfig } from "./config";
import type { NoopDiffRow, ProviderRow } from "./results";
import { ratio, summarize } from "./stats";
import { timed } from "./timing";

type Json = Record<string, unknown>;
type Alg = "ES256" | "RS256";

interface Series {
  ours: number[];
  raw: number[];
  keygen: number[];
  requests: { ours: number; raw: number };
}

/** Everything one IdP's cases share. */
interface Ctx {
  idp: BenchIdp;
  provider: Provider;
  probe: KeygenProbe;
  text: string;
  series: Map<string, Series>;
  record: boolean;
}

async function publicJwk(alg: Alg, kid: string): Promise<Json> {
  const { publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  return { ...(await jose.exportJWK(publicKey)), kid, alg, use: "sig" };
}

function plainMetadata(): Json {
  return { token_endpoint_auth_method: "private_key_jwt", client_name: "bench", redirect_uris: ["https://bff.example.com/cb"] };
}

async function checked(ctx: Ctx, alg: Alg, extra: Json = {}): Promise<DcrInputs> {
  const raw = {
    registrationEndpoint: ctx.idp.registrationEndpoint, updateMethod: ctx.idp.updateMethod, keyAlgorithm: alg,
    clientName: "bench", redirectUris: ["https://bff.example.com/cb"], __provider: ctx.text, ...extra,
  } as unknown as DcrInputs;
  const r = await ctx.provider.check({} as DcrInputs, raw);
  if (r.failures && r.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(r.failures)}`);
  return r.inputs as DcrInputs;
}

function seriesOf(ctx: Ctx, label: string): Series {
  let s = ctx.series.get(label);
  if (!s) ctx.series.set(label, (s = { ours: [], raw: [], keygen: [], requests: { ours: 0, raw: 0 } }));
  return s;
}

/** Times one of our provider calls, minus the keygen inside it. */
async function ours<T>(ctx: Ctx, label: string, fn: () => Promise<T>): Promise<T> {
  const from = ctx.idp.requests.entries.length;
  ctx.probe.take();
  const { value, ms } = await timed(fn);
  const kg = ctx.probe.take();
  const s = seriesOf(ctx, label);
  s.requests.ours = ctx.idp.requests.entries.length - from;
  if (ctx.record) {
    s.ours.push(ms - kg);
    s.keygen.push(kg);
  }
  return value;
}

async function raw<T>(ctx: Ctx, label: string, fn: () => Promise<T>): Promise<T> {
  const from = ctx.idp.requests.entries.length;
  const { value, ms } = await timed(fn);
  const s = seriesOf(ctx, label);
  s.requests.raw = ctx.idp.requests.entries.length - from;
  if (ctx.record) s.raw.push(ms);
  return value;
}

/** Runs step `a` and `b` in the order the round asks for. */
async function pair(first: "a" | "b", a: () => Promise<void>, b: () => Promise<void>): Promise<void> {
  if (first === "a") {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
}

/** One round of a client's life: create, read, update with rotation, delete — ours and raw interleaved. */
async function lifecycleRound(ctx: Ctx, i: number, alg: Alg, full: boolean, keys: { k1: Json; k2: Json }): Promise<void> {
  const first = i % 2 === 0 ? "a" : "b";
  const inputs = await checked(ctx, alg);
  const rotated = await checked(ctx, alg, { rotationTrigger: `bench-${i}` });
  const method = ctx.idp.updateMethod === "PUT" ? "GET+PUT" : "PATCH";
  let id = "";
  let outs = {} as DcrOutputs;
  let handle = {} as RawHandle;
  await pair(first, async () => {
    const c = await ours(ctx, `create ${alg}`, () => ctx.provider.create(inputs));
    id = c.id;
    outs = c.outs as DcrOutputs;
  }, async () => {
    handle = (await raw(ctx, `create ${alg}`, () => rawRegister(ctx.idp.registrationEndpoint, { ...plainMetadata(), jwks: { keys: [keys.k1] } }, ctx.idp.initialAccessToken))).handle;
  });
  if (full) {
    await pair(first, async () => {
      outs = (await ours(ctx, "read (refresh)", () => ctx.provider.read(id, outs))).props as DcrOutputs;
    }, async () => {
      handle = (await raw(ctx, "read (refresh)", () => rawRead(handle))).handle;
    });
    await pair(first, async () => {
      outs = (await ours(ctx, `update + rotation (${method})`, () => ctx.provider.update(id, outs, rotated))).outs as DcrOutputs;
    }, async () => {
      handle = (await raw(ctx, `update + rotation (${method})`, () => rawUpdate(handle, { ...plainMetadata(), jwks: { keys: [keys.k2, keys.k1] } }, ctx.idp.updateMethod))).handle;
    });
  }
  await pair(first, () => ours(ctx, "delete", () => ctx.provider.delete(id, outs)), () => raw(ctx, "delete", () => rawDelete(handle)));
}

async function noopDiff(ctx: Ctx, calls: number): Promise<NoopDiffRow> {
  const inputs = await checked(ctx, "ES256");
  const created = await ctx.provider.create(inputs);
  const outs = created.outs as DcrOutputs;
  const from = ctx.idp.requests.entries.length;
  const ms: number[] = [];
  let changes = false;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    const d = await ctx.provider.diff(created.id, outs, inputs);
    ms.push(performance.now() - t0);
    changes ||= d.changes === true;
  }
  const requests = ctx.idp.requests.entries.length - from;
  await ctx.provider.delete(created.id, outs);
  return { idp: ctx.idp.name, calls, summary: summarize(ms), requests, changes };
}

function rows(ctx: Ctx): ProviderRow[] {
  return [...ctx.series.entries()].map(([op, s]) => {
    const o = summarize(s.ours);
    const r = summarize(s.raw);
    return { idp: ctx.idp.name, op, ours: o, raw: r, keygen: summarize(s.keygen), ratio: ratio(o.median, r.median), requests: s.requests };
  });
}

async function benchIdp(name: IdpName, cfg: BenchConfig, probe: KeygenProbe): Promise<{ rows: ProviderRow[]; noop: NoopDiffRow }> {
  return withIdp(name, async (idp) => {
    const { provider, text } = await roundTripProvider({ "dcr:initialAccessToken": idp.initialAccessToken });
    return cases({ idp, provider, probe, text, series: new Map(), record: false }, cfg);
  });
}

/** The interleaved cases on one IdP: ES256 lifecycles, RS256 creates, then the no-op diff. */
async function cases(ctx: Ctx, cfg: BenchConfig): Promise<{ rows: ProviderRow[]; noop: NoopDiffRow }> {
  const es = { k1: await publicJwk("ES256", "raw-es-1"), k2: await publicJwk("ES256", "raw-es-2") };
  const rs = { k1: await publicJwk("RS256", "raw-rs-1"), k2: await publicJwk("RS256", "raw-rs-2") };
  for (let i = 0; i < cfg.warmup; i++) await lifecycleRound(ctx, i, "ES256", true, es);
  ctx.record = true;
  for (let i = 0; i < cfg.providerOps; i++) await lifecycleRound(ctx, i, "ES256", true, es);
  ctx.record = false;
  await lifecycleRound(ctx, 0, "RS256", false, rs);
  ctx.record = true;
  for (let i = 0; i < cfg.providerRsaOps; i++) await lifecycleRound(ctx, i, "RS256", false, rs);
  ctx.record = false;
  const noop = await noopDiff(ctx, cfg.diffCalls);
  return { rows: rows(ctx), noop };
}

/** The provider's own log lines (one per operation) would flood the bench output: discarded here. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const { log, warn } = console;
  console.log = () => undefined;
  console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

export async function providerBench(cfg: BenchConfig, log: (line: string) => void): Promise<{ rows: ProviderRow[]; noop: NoopDiffRow[] }> {
  const probe = installKeygenProbe();
  const all: ProviderRow[] = [];
  const noop: NoopDiffRow[] = [];
  try {
    for (const name of ["seed", "oidc-provider"] as const) {
      log(`provider: ${name}, ${cfg.providerOps} ES256 lifecycles + ${cfg.providerRsaOps} RS256 creates, ${cfg.diffCalls} no-op diffs`);
      const got = await quietly(() => benchIdp(name, cfg, probe));
      for (const r of got.rows) {
        log(`  ${r.op.padEnd(26)} ours ${r.ours.median.toFixed(2)} ms (+ keygen ${r.keygen.median.toFixed(2)})  raw ${r.raw.median.toFixed(2)} ms  ratio ${r.ratio}  requests ${r.requests.ours}/${r.requests.raw}`);
      }
      log(`  no-op diff: median ${(got.noop.summary.median * 1000).toFixed(1)} µs, p90 ${(got.noop.summary.p90 * 1000).toFixed(1)} µs, ${got.noop.requests} requests in ${got.noop.calls} calls`);
      all.push(...got.rows);
      noop.push(got.noop);
    }
  } finally {
    probe.restore();
  }
  return { rows: all, noop };
}
