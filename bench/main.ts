/**
 * `npm run bench [-- --smoke] [--only=protocol,provider,engine] [--out=dir]`: runs the sections,
 * then writes bench/results/<date>.json and <date>.svg and regenerates docs/performance.md and
 * docs/performance.svg. Never fails on a target — only when the harness itself breaks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../test/support/engine";
import { parseArgs, type BenchConfig } from "./config";
import { describeMachine } from "./machine";
import { engineBench } from "./engine-bench";
import { protocolBench } from "./protocol-bench";
import { providerBench } from "./provider-bench";
import { readFindings, renderReport } from "./report-md";
import { writeJson, type BenchResults } from "./results";
import { renderChart } from "./svg-chart";
import { evaluateTargets } from "./targets";

const started = Date.now();

function log(line: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[bench ${t}s] ${line}\n`);
}

async function measure(cfg: BenchConfig): Promise<BenchResults> {
  const machine = describeMachine();
  log(
    `${cfg.mode} run of ${cfg.sections.join(", ")} on ${machine.nproc} CPUs, node ${machine.node}, pulumi ${machine.pulumiCli}`,
  );
  const startedAt = new Date(started).toISOString();
  const date = startedAt.slice(0, 10);
  const protocol = cfg.sections.includes("protocol") ? await protocolBench(cfg, log) : [];
  const provider = cfg.sections.includes("provider") ? await providerBench(cfg, log) : { rows: [], noop: [] };
  const engine = cfg.sections.includes("engine") ? await engineBench(cfg, log) : { rows: [], state: [] };
  const partial = {
    date,
    mode: cfg.mode,
    startedAt,
    durationSeconds: (Date.now() - started) / 1000,
    machine,
    protocol,
    provider: provider.rows,
    noopDiff: provider.noop,
    engine: engine.rows,
    state: engine.state,
  };
  const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };
  const base = cfg.partial ? `${results.date}-partial` : results.date;
  const jsonFile = path.join(cfg.resultsDir, `${base}.json`);
  writeJson(jsonFile, results);
  fs.writeFileSync(path.join(cfg.resultsDir, `${base}.svg`), chartOf(results));
  log(`wrote ${path.relative(repoRoot, jsonFile)} and ${base}.svg`);
  return results;
}

function chartOf(r: BenchResults): string {
  return renderChart(
    r.engine.filter((e) => e.checkpoints),
    `${r.mode} run ${r.date}, ${r.machine.nproc} CPUs, pulumi ${r.machine.pulumiCli}; median of repetitions`,
  );
}

async function main(): Promise<void> {
  const cfg = parseArgs(process.argv.slice(2), repoRoot);
  const results = cfg.render ? (JSON.parse(fs.readFileSync(cfg.render, "utf8")) as BenchResults) : await measure(cfg);
  if (cfg.docsDir) {
    fs.mkdirSync(cfg.docsDir, { recursive: true });
    fs.writeFileSync(path.join(cfg.docsDir, "performance.svg"), chartOf(results));
    fs.writeFileSync(
      path.join(cfg.docsDir, "performance.md"),
      renderReport(results, "performance.svg", readFindings(repoRoot)),
    );
    log(`wrote ${path.relative(repoRoot, path.join(cfg.docsDir, "performance.md"))} and performance.svg`);
  }
  for (const t of results.targets)
    log(`target ${t.holds ? "holds " : "MISSED"}  ${t.name}: ${t.value} (wanted ${t.target})`);
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
