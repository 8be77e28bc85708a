/**
 * Bench modes: `--smoke` (CI: proves the harness end to end with tiny counts, writes only to
 * bench/results/smoke.tmp/) and full (the published figures). `--only=protocol,provider,engine`
 * narrows a run; `--sizes=1x3,20x3,200x2` sets engine stack sizes × repetitions; `--out=<dir>`
 * redirects the output; `--render=<results.json>` only regenerates the chart and docs from a
 * saved run (after editing bench/findings.md).
 */
import * as path from "node:path";

export type Section = "protocol" | "provider" | "engine";

export interface BenchConfig {
  mode: "full" | "smoke";
  /** A narrowed full run (--only / --sizes): results get a "-partial" name and docs are not regenerated. */
  partial: boolean;
  sections: Section[];
  /** Interleaved operations per protocol operation and IdP. */
  protocolOps: number;
  /** Interleaved provider operations (create/update) per case. */
  providerOps: number;
  /** RS256 creates (keygen is slow and noisy; fewer, still interleaved). */
  providerRsaOps: number;
  /** No-op diff calls. */
  diffCalls: number;
  /** Warm-up rounds thrown away before every measured series. */
  warmup: number;
  /** Engine stack sizes, each with its repetition count. */
  engineSizes: { size: number; reps: number }[];
  /** Also run the largest size with PULUMI_SKIP_CHECKPOINTS=true, to attribute time to state persistence. */
  attribution: boolean;
  /** Directory for <date>.json / <date>.svg. */
  resultsDir: string;
  /** Where the regenerated docs go (performance.md + performance.svg); undefined = not written. */
  docsDir?: string;
  /** Re-render docs from this results file instead of measuring. */
  render?: string;
}

const SECTIONS: Section[] = ["protocol", "provider", "engine"];

export function parseArgs(argv: readonly string[], repoRoot: string): BenchConfig {
  const smoke = argv.includes("--smoke");
  const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  const out = argv.find((a) => a.startsWith("--out="))?.slice("--out=".length);
  const sizes = argv.find((a) => a.startsWith("--sizes="))?.slice("--sizes=".length);
  const render = argv.find((a) => a.startsWith("--render="))?.slice("--render=".length);
  const sections = only ? (only.split(",") as Section[]) : SECTIONS;
  for (const s of sections)
    if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section "${s}" (use ${SECTIONS.join(", ")})`);
  const unknown = argv.filter(
    (a) => a !== "--smoke" && !["--only=", "--out=", "--sizes=", "--render="].some((p) => a.startsWith(p)),
  );
  if (unknown.length > 0)
    throw new Error(
      `unknown argument(s): ${unknown.join(" ")} (use --smoke, --only=…, --sizes=…, --out=…, --render=…)`,
    );
  const results = path.join(repoRoot, "bench", "results");
  const partial = only !== undefined || sizes !== undefined;
  const cfg = smoke
    ? smokeConfig(sections, out ?? path.join(results, "smoke.tmp"))
    : fullConfig(sections, out, results, repoRoot, partial);
  if (sizes !== undefined) cfg.engineSizes = parseSizes(sizes);
  if (render !== undefined) {
    cfg.render = path.resolve(render);
    cfg.docsDir = out ?? path.join(repoRoot, "docs");
  }
  return cfg;
}

/** "1x3,20x3,200" → sizes with repetitions (default 1). */
function parseSizes(text: string): { size: number; reps: number }[] {
  return text.split(",").map((item) => {
    const [size, reps] = item.split("x").map(Number);
    if (
      !Number.isInteger(size) ||
      (size as number) < 1 ||
      (reps !== undefined && (!Number.isInteger(reps) || reps < 1))
    ) {
      throw new Error(`--sizes: "${item}" is not <size>[x<repetitions>], e.g. 20x3`);
    }
    return { size: size as number, reps: reps ?? 1 };
  });
}

function smokeConfig(sections: Section[], dir: string): BenchConfig {
  return {
    mode: "smoke",
    partial: false,
    sections,
    protocolOps: 6,
    providerOps: 4,
    providerRsaOps: 2,
    diffCalls: 200,
    warmup: 1,
    engineSizes: [
      { size: 1, reps: 1 },
      { size: 3, reps: 1 },
    ],
    attribution: false,
    resultsDir: dir,
    docsDir: dir,
  };
}

function fullConfig(
  sections: Section[],
  out: string | undefined,
  results: string,
  repoRoot: string,
  partial: boolean,
): BenchConfig {
  return {
    mode: "full",
    partial,
    sections,
    protocolOps: 200,
    providerOps: 200,
    providerRsaOps: 100,
    diffCalls: 5000,
    warmup: 10,
    engineSizes: [
      { size: 1, reps: 3 },
      { size: 20, reps: 3 },
      { size: 200, reps: 2 },
    ],
    attribution: true,
    resultsDir: out ?? results,
    docsDir: out ?? (partial ? undefined : path.join(repoRoot, "docs")),
  };
}
