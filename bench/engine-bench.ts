/**
 * Section 3 — engine scale: stacks of n DcrClients (dynamic face), of n clients through the
 * provider plugin and of n trivial dynamic resources, run through the real CLI in the same run,
 * command by command interleaved (the order rotates with each repetition): up, no-op up,
 * refresh, destroy. Per command: wall time, CPU by process, IdP requests per resource, peak RSS
 * of the provider process (dynamic-provider host or plugin). After the first up: state bytes per
 * resource and `__provider` size.
 * At the largest size, one more repetition with PULUMI_SKIP_CHECKPOINTS=true attributes time
 * to the engine's per-step state persistence.
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { withIdp, type BenchIdp } from "./idps";
import { createBenchStack, stateFacts, type BenchStack, type StackKind } from "./engine-stacks";
import { PLUGIN_TYPE } from "./plugin-stack";
import { startHostSampler, statCpuSeconds } from "./host-sampler";
import type { BenchConfig } from "./config";
import type { EngineCommand, EngineRow, EngineSide, StateRow } from "./results";
import { median, ratio, round } from "./stats";

const COMMANDS: EngineCommand[] = ["up", "no-op up", "refresh", "destroy"];
const DCR_TYPE = "pulumi-nodejs:dynamic/dcr:DcrClient";
const TRIVIAL_TYPE = "pulumi-nodejs:dynamic/bench:Trivial";

interface Run {
  ms: number;
  requests: number;
  rssBytes: number;
  changes: number;
  cpu: { bench: number; cli: number; host: number };
}

type OpMap = Record<string, number | undefined> | undefined;
type Log = (line: string) => void;

function changed(ops: OpMap): number {
  return Object.entries(ops ?? {})
    .filter(([k]) => k !== "same")
    .reduce((n, [, v]) => n + (v ?? 0), 0);
}

/** CPU seconds of this process, and of its reaped children (the CLI, which reaps its plugins). */
function cpuNow(): { self: number; children: number } {
  const u = process.cpuUsage();
  return {
    self: (u.user + u.system) / 1e6,
    children: statCpuSeconds(fs.readFileSync("/proc/self/stat", "utf8"), true),
  };
}

async function runCommand(stack: BenchStack, cmd: EngineCommand, idp: BenchIdp): Promise<Run> {
  const from = idp.requests.entries.length;
  // The dynamic-provider host runs in the work dir; the plugin from the stack's PULUMI_HOME.
  const sampler = startHostSampler(stack.kind === "plugin" ? stack.pulumiHome : stack.workDir);
  const cpu0 = cpuNow();
  const t0 = performance.now();
  let ops: OpMap;
  let ms = 0;
  let host = { peakBytes: 0, cpuSeconds: 0 };
  try {
    if (cmd === "refresh") ops = (await stack.refresh()).summary.resourceChanges;
    else if (cmd === "destroy") ops = (await stack.destroy()).summary.resourceChanges;
    else ops = (await stack.up()).summary.resourceChanges;
  } finally {
    ms = performance.now() - t0;
    host = await sampler.stop();
  }
  const cpu1 = cpuNow();
  const cpu = {
    bench: cpu1.self - cpu0.self,
    cli: Math.max(0, cpu1.children - cpu0.children - host.cpuSeconds),
    host: host.cpuSeconds,
  };
  return { ms, requests: idp.requests.entries.length - from, rssBytes: host.peakBytes, changes: changed(ops), cpu };
}

function side(runs: Run[], size: number): EngineSide {
  const med = (f: (r: Run) => number) => round(median(runs.map(f)), 2);
  return {
    wallMs: runs.map((r) => Math.round(r.ms)),
    medianMs: Math.round(median(runs.map((r) => r.ms))),
    requestsPerResource: runs.length ? Math.max(...runs.map((r) => r.requests)) / size : 0,
    providerPeakRssBytes: Math.max(0, ...runs.map((r) => r.rssBytes)),
    changes: runs[0]?.changes ?? 0,
    cpuSeconds: { bench: med((r) => r.cpu.bench), cli: med((r) => r.cpu.cli), host: med((r) => r.cpu.host) },
  };
}

async function stateRow(size: number, dcr: BenchStack, plugin: BenchStack, trivial: BenchStack): Promise<StateRow> {
  const d = await stateFacts(dcr, DCR_TYPE);
  const p = await stateFacts(plugin, PLUGIN_TYPE);
  const t = await stateFacts(trivial, TRIVIAL_TYPE);
  return {
    size,
    dcrBytesPerResource: Math.round(d.bytes / size),
    pluginBytesPerResource: Math.round(p.bytes / size),
    trivialBytesPerResource: Math.round(t.bytes / size),
    dcrCompactBytesPerResource: Math.round(d.compactBytes / size),
    pluginCompactBytesPerResource: Math.round(p.compactBytes / size),
    trivialCompactBytesPerResource: Math.round(t.compactBytes / size),
    pluginProviderBytes: Math.max(0, ...p.providers.map((x) => Buffer.byteLength(x))),
    dcrProviderBytes: Math.max(0, ...d.providers.map((p) => Buffer.byteLength(p))),
    trivialProviderBytes: Math.max(0, ...t.providers.map((p) => Buffer.byteLength(p))),
    providerIdentical: d.providers.length === size && new Set(d.providers).size === 1,
  };
}

/** One repetition at one size: the three stacks, every command, interleaved. */
async function repetition(
  size: number,
  rep: number,
  checkpoints: boolean,
  idp: BenchIdp,
  runs: Map<string, Run[]>,
  log: Log,
): Promise<StateRow> {
  const dcr = await createBenchStack("dcr", size, idp, checkpoints);
  const plugin = await createBenchStack("plugin", size, idp, checkpoints);
  const trivial = await createBenchStack("trivial", size, idp, checkpoints);
  const shift = (rep + size) % 3;
  const order: BenchStack[] = [dcr, plugin, trivial].map((_, i, all) => all[(i + shift) % 3] as BenchStack);
  const tag = checkpoints ? `rep ${rep + 1}` : "no-checkpoints";
  let state: StateRow | undefined;
  try {
    for (const cmd of COMMANDS) {
      for (const stack of order) {
        const run = await runCommand(stack, cmd, idp);
        const key = `${stack.kind}|${cmd}`;
        runs.set(key, [...(runs.get(key) ?? []), run]);
        log(
          `  n=${size} ${tag} ${stack.kind.padEnd(7)} ${cmd.padEnd(8)} ${(run.ms / 1000).toFixed(2)} s  cpu bench/cli/host ${run.cpu.bench.toFixed(1)}/${run.cpu.cli.toFixed(1)}/${run.cpu.host.toFixed(1)} s  ${run.requests} IdP requests  host peak RSS ${(run.rssBytes / 2 ** 20).toFixed(0)} MiB`,
        );
      }
      if (cmd === "up") state = await stateRow(size, dcr, plugin, trivial);
    }
  } finally {
    await Promise.all([dcr.dispose(), plugin.dispose(), trivial.dispose()]);
  }
  return state as StateRow;
}

/** All repetitions of one size (and one persistence mode), summarised per command. */
async function series(
  size: number,
  reps: number,
  checkpoints: boolean,
  log: Log,
): Promise<{ rows: EngineRow[]; state: StateRow }> {
  return withIdp("oidc-provider", async (idp) => {
    const runs = new Map<string, Run[]>();
    let state: StateRow | undefined;
    for (let rep = 0; rep < reps; rep++) {
      const s = await repetition(size, rep, checkpoints, idp, runs, log);
      state ??= s;
    }
    const rows = COMMANDS.map((command): EngineRow => {
      const of = (kind: StackKind) => side(runs.get(`${kind}|${command}`) ?? [], size);
      const dcr = of("dcr");
      const plugin = of("plugin");
      const trivial = of("trivial");
      return {
        size,
        checkpoints,
        command,
        dcr,
        plugin,
        trivial,
        ratio: ratio(dcr.medianMs, trivial.medianMs),
        pluginRatio: ratio(plugin.medianMs, trivial.medianMs),
      };
    });
    return { rows, state: state as StateRow };
  });
}

export async function engineBench(cfg: BenchConfig, log: Log): Promise<{ rows: EngineRow[]; state: StateRow[] }> {
  const rows: EngineRow[] = [];
  const state: StateRow[] = [];
  for (const { size, reps } of cfg.engineSizes) {
    log(`engine: ${size} resource(s) per stack, ${reps} repetition(s)`);
    const got = await series(size, reps, true, log);
    rows.push(...got.rows);
    state.push(got.state);
  }
  const largest = Math.max(...cfg.engineSizes.map((s) => s.size));
  if (cfg.attribution && largest > 1) {
    log(`engine: ${largest} resources per stack once more with PULUMI_SKIP_CHECKPOINTS=true (attribution)`);
    rows.push(...(await series(largest, 1, false, log)).rows);
  }
  return { rows, state };
}
