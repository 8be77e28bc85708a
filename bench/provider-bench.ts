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
  /** Milliseconds the raw side spent generating keys since the last raw step (subtracted like ours). */
  rawKeygenMs: number;
}

/**
 * What a hand-written client does before it registers or rotates: generate a key pair and
 * export the public JWK and the private PKCS#8 PEM it must keep. Timed and later subtracted,
 * exactly as our keygen is: both sides then pay the same after-effects of a key generation
 * (the main thread sat idle while the thread pool worked; RS256 takes ~65 ms), so the ratio
 * compares the work around the exchange and nothing else.
 */
async function rawKey(ctx: Ctx, alg: Alg, kid: string): Promise<Json> {
  const t0 = performance.now();
  const options: jose.GenerateKeyPairOptions = { extractable: true };
  if (alg === "RS256") options.modulusLength = 2048;
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, options);
  await jose.exportPKCS8(privateKey);
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: "sig" };
  ctx.rawKeygenMs += performance.now() - t0;
  return jwk;
}

function plainMetadata(): Json {
  return {
    token_endpoint_auth_method: "private_key_jwt",
    client_name: "bench",
    redirect_uris: ["https://bff.example.com/cb"],
  };
}

async function checked(ctx: Ctx, alg: Alg, extra: Json = {}): Promise<DcrInputs> {
  const raw = {
    registrationEndpoint: ctx.idp.registrationEndpoint,
    updateMethod: ctx.idp.updateMethod,
    keyAlgorithm: alg,
    clientName: "bench",
    redirectUris: ["https://bff.example.com/cb"],
    __provider: ctx.text,
    ...extra,
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

/** Times one raw step, minus the key generation inside it (see {@link rawKey}). */
async function raw<T>(ctx: Ctx, label: string, fn: () => Promise<T>): Promise<T> {
  const from = ctx.idp.requests.entries.length;
  ctx.rawKeygenMs = 0;
  const { value, ms } = await timed(fn);
  const s = seriesOf(ctx, label);
  s.requests.raw = ctx.idp.requests.entries.length - from;
  if (ctx.record) s.raw.push(ms - ctx.rawKeygenMs);
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
async function lifecycleRound(ctx: Ctx, i: number, alg: Alg, full: boolean): Promise<void> {
  const first = i % 2 === 0 ? "a" : "b";
  const inputs = await checked(ctx, alg);
  const rotated = await checked(ctx, alg, { rotationTrigger: `bench-${i}` });
  const method = ctx.idp.updateMethod === "PUT" ? "GET+PUT" : "PATCH";
  let id = "";
  let outs = {} as DcrOutputs;
  let handle = {} as RawHandle;
  let rawActive: Json = {};
  await pair(
    first,
    async () => {
      const c = await ours(ctx, `create ${alg}`, () => ctx.provider.create(inputs));
      id = c.id;
      outs = c.outs as DcrOutputs;
    },
    async () => {
      handle = (
        await raw(ctx, `create ${alg}`, async () => {
          rawActive = await rawKey(ctx, alg, `raw-${i}-1`);
          return rawRegister(
            ctx.idp.registrationEndpoint,
            { ...plainMetadata(), jwks: { keys: [rawActive] } },
            ctx.idp.initialAccessToken,
          );
        })
      ).handle;
    },
  );
  if (full) {
    await pair(
      first,
      async () => {
        outs = (await ours(ctx, "read (refresh)", () => ctx.provider.read(id, outs))).props as DcrOutputs;
      },
      async () => {
        handle = (await raw(ctx, "read (refresh)", () => rawRead(handle))).handle;
      },
    );
    await pair(
      first,
      async () => {
        outs = (await ours(ctx, `update + rotation (${method})`, () => ctx.provider.update(id, outs, rotated)))
          .outs as DcrOutputs;
      },
      async () => {
        handle = (
          await raw(ctx, `update + rotation (${method})`, async () => {
            const next = await rawKey(ctx, alg, `raw-${i}-2`);
            return rawUpdate(handle, { ...plainMetadata(), jwks: { keys: [next, rawActive] } }, ctx.idp.updateMethod);
          })
        ).handle;
      },
    );
  }
  await pair(
    first,
    () => ours(ctx, "delete", () => ctx.provider.delete(id, outs)),
    () => raw(ctx, "delete", () => rawDelete(handle)),
  );
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
    return {
      idp: ctx.idp.name,
      op,
      ours: o,
      raw: r,
      keygen: summarize(s.keygen),
      ratio: ratio(o.median, r.median),
      requests: s.requests,
    };
  });
}

async function benchIdp(
  name: IdpName,
  cfg: BenchConfig,
  probe: KeygenProbe,
): Promise<{ rows: ProviderRow[]; noop: NoopDiffRow }> {
  return withIdp(name, async (idp) => {
    const { provider, text } = await roundTripProvider({ "dcr:initialAccessToken": idp.initialAccessToken });
    return cases({ idp, provider, probe, text, series: new Map(), record: false, rawKeygenMs: 0 }, cfg);
  });
}

/** The interleaved cases on one IdP: ES256 lifecycles, RS256 creates, then the no-op diff. */
async function cases(ctx: Ctx, cfg: BenchConfig): Promise<{ rows: ProviderRow[]; noop: NoopDiffRow }> {
  for (let i = 0; i < cfg.warmup; i++) await lifecycleRound(ctx, i, "ES256", true);
  ctx.record = true;
  for (let i = 0; i < cfg.providerOps; i++) await lifecycleRound(ctx, i, "ES256", true);
  ctx.record = false;
  await lifecycleRound(ctx, 0, "RS256", false);
  ctx.record = true;
  for (let i = 0; i < cfg.providerRsaOps; i++) await lifecycleRound(ctx, i, "RS256", false);
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

export async function providerBench(
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<{ rows: ProviderRow[]; noop: NoopDiffRow[] }> {
  const probe = installKeygenProbe();
  const all: ProviderRow[] = [];
  const noop: NoopDiffRow[] = [];
  try {
    for (const name of ["seed", "oidc-provider"] as const) {
      log(
        `provider: ${name}, ${cfg.providerOps} ES256 lifecycles + ${cfg.providerRsaOps} RS256 creates, ${cfg.diffCalls} no-op diffs`,
      );
      const got = await quietly(() => benchIdp(name, cfg, probe));
      for (const r of got.rows) {
        log(
          `  ${r.op.padEnd(26)} ours ${r.ours.median.toFixed(2)} ms (+ keygen ${r.keygen.median.toFixed(2)})  raw ${r.raw.median.toFixed(2)} ms  ratio ${r.ratio}  requests ${r.requests.ours}/${r.requests.raw}`,
        );
      }
      log(
        `  no-op diff: median ${(got.noop.summary.median * 1000).toFixed(1)} µs, p90 ${(got.noop.summary.p90 * 1000).toFixed(1)} µs, ${got.noop.requests} requests in ${got.noop.calls} calls`,
      );
      all.push(...got.rows);
      noop.push(got.noop);
    }
  } finally {
    probe.restore();
  }
  return { rows: all, noop };
}
