/**
 * Section 1 — protocol overhead: our protocol client (provider/protocol/registration.ts) against
 * plain fetch making the identical HTTP calls, interleaved operation by operation, on both IdPs:
 * register, read, update (PATCH on the seed fixture; GET+PUT on oidc-provider), delete.
 */
import * as jose from "jose";
import { register, readClient, updateClient, deleteClient } from "../provider/protocol/registration";
import type { ClientHandle } from "../provider/protocol/types";
import { rawDelete, rawRead, rawRegister, rawUpdate, type RawHandle } from "./raw-http";
import { requestShape, withIdp, type BenchIdp, type IdpName } from "./idps";
import type { BenchConfig } from "./config";
import type { ProtocolRow } from "./results";
import { ratio, summarize } from "./stats";
import { timed } from "./timing";

type Json = Record<string, unknown>;
const OPS = ["register", "read", "update", "delete"] as const;
type Op = (typeof OPS)[number];

/** One side of the comparison: performs each operation on its own client. */
interface Variant {
  name: "ours" | "raw";
  run(op: Op): Promise<void>;
}

async function publicJwk(kid: string): Promise<Json> {
  const { publicKey } = await jose.generateKeyPair("ES256", { extractable: true });
  return { ...(await jose.exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
}

/** The bodies both sides send: a registration with one key, an update publishing a second. */
async function bodies(): Promise<{ metadata: Json; owned: Json }> {
  const k1 = await publicJwk("bench-k1");
  const k2 = await publicJwk("bench-k2");
  const plain = {
    token_endpoint_auth_method: "private_key_jwt",
    client_name: "bench",
    redirect_uris: ["https://bff.example.com/cb"],
  };
  return {
    metadata: { ...plain, jwks: { keys: [k1] } },
    owned: {
      ...plain,
      jwks: { keys: [k2, k1] },
      redirect_uris: ["https://bff.example.com/cb", "https://bff.example.com/cb2"],
    },
  };
}

function oursVariant(idp: BenchIdp, metadata: Json, owned: Json): Variant {
  const opts = { timeoutMs: 30_000, log: () => undefined };
  let handle: ClientHandle | undefined;
  return {
    name: "ours",
    async run(op) {
      if (op === "register")
        handle = (
          await register(idp.registrationEndpoint, metadata, idp.initialAccessToken, {
            ...opts,
            openRegistration: false,
          })
        ).handle;
      else if (op === "read") handle = (await readClient(handle as ClientHandle, opts)).handle;
      else if (op === "update")
        handle = (await updateClient(handle as ClientHandle, owned, idp.updateMethod, opts)).handle;
      else await deleteClient(handle as ClientHandle, opts);
    },
  };
}

function rawVariant(idp: BenchIdp, metadata: Json, owned: Json): Variant {
  let handle: RawHandle | undefined;
  return {
    name: "raw",
    async run(op) {
      if (op === "register")
        handle = (await rawRegister(idp.registrationEndpoint, metadata, idp.initialAccessToken)).handle;
      else if (op === "read") handle = (await rawRead(handle as RawHandle)).handle;
      else if (op === "update") handle = (await rawUpdate(handle as RawHandle, owned, idp.updateMethod)).handle;
      else await rawDelete(handle as RawHandle);
    },
  };
}

interface Series {
  ms: Record<Op, number[]>;
  shape: Record<Op, string>;
  requests: Record<Op, number>;
}

function emptySeries(): Series {
  const init = <T>(v: () => T) => Object.fromEntries(OPS.map((o) => [o, v()])) as Record<Op, T>;
  return { ms: init(() => [] as number[]), shape: init(() => ""), requests: init(() => 0) };
}

/** One round: each operation of the client's life, A then B (or B then A), on their own clients. */
async function round(
  idp: BenchIdp,
  pair: [Variant, Variant],
  series: Map<string, Series>,
  record: boolean,
): Promise<void> {
  for (const op of OPS) {
    for (const v of pair) {
      const s = series.get(v.name) as Series;
      const from = idp.requests.entries.length;
      const { ms } = await timed(() => v.run(op));
      if (!record) {
        s.shape[op] = requestShape(idp.requests, from);
        s.requests[op] = idp.requests.entries.length - from;
        continue;
      }
      s.ms[op].push(ms);
    }
  }
}

async function benchIdp(name: IdpName, cfg: BenchConfig): Promise<ProtocolRow[]> {
  return withIdp(name, async (idp) => {
    const { metadata, owned } = await bodies();
    const ours = oursVariant(idp, metadata, owned);
    const raw = rawVariant(idp, metadata, owned);
    const series = new Map<string, Series>([
      ["ours", emptySeries()],
      ["raw", emptySeries()],
    ]);
    for (let i = 0; i < cfg.warmup; i++) await round(idp, [ours, raw], series, false);
    for (let i = 0; i < cfg.protocolOps; i++) await round(idp, i % 2 === 0 ? [ours, raw] : [raw, ours], series, true);
    const a = series.get("ours") as Series;
    const b = series.get("raw") as Series;
    return OPS.map((op): ProtocolRow => {
      const oursS = summarize(a.ms[op]);
      const rawS = summarize(b.ms[op]);
      return {
        idp: name,
        op: op === "update" ? `update (${idp.updateMethod === "PUT" ? "GET+PUT" : "PATCH"})` : op,
        ours: oursS,
        raw: rawS,
        ratio: ratio(oursS.median, rawS.median),
        ratioP90: ratio(oursS.p90, rawS.p90),
        requests: { ours: a.requests[op], raw: b.requests[op] },
        shape: a.shape[op],
        sameRequests: a.shape[op] === b.shape[op],
      };
    });
  });
}

export async function protocolBench(cfg: BenchConfig, log: (line: string) => void): Promise<ProtocolRow[]> {
  const rows: ProtocolRow[] = [];
  for (const name of ["seed", "oidc-provider"] as const) {
    log(`protocol: ${name}, ${cfg.protocolOps} interleaved rounds of register/read/update/delete`);
    const got = await benchIdp(name, cfg);
    for (const r of got) {
      log(
        `  ${r.op.padEnd(16)} ours ${r.ours.median.toFixed(2)} ms  raw ${r.raw.median.toFixed(2)} ms  ratio ${r.ratio}  [${r.shape}]${r.sameRequests ? "" : "  !! raw sent different requests"}`,
      );
    }
    rows.push(...got);
  }
  return rows;
}
