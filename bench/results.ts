/**
 * The shape of bench/results/<date>.json: every figure is a ratio or a count measured side by
 * side in one run; absolute times are kept for reading, never asserted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Machine } from "./machine";
import type { Summary } from "./stats";

export interface ProtocolRow {
  idp: string;
  op: string;
  ours: Summary;
  raw: Summary;
  /** median(ours) / median(raw). */
  ratio: number;
  ratioP90: number;
  /** Requests one operation made, each side (from the IdP's log). */
  requests: { ours: number; raw: number };
  /** The requests (method + path) our side sent for one operation. */
  shape: string;
  /** Whether the raw side sent exactly the same sequence. */
  sameRequests: boolean;
}

export interface ProviderRow {
  idp: string;
  /** "create ES256", "create RS256", "update + rotation (PATCH)", … */
  op: string;
  /** Provider time minus the key generation inside it, per call. */
  ours: Summary;
  raw: Summary;
  /** Key generation inside the provider call, timed on its own. */
  keygen: Summary;
  /** median(ours excl. keygen) / median(raw). */
  ratio: number;
  requests: { ours: number; raw: number };
}

export interface NoopDiffRow {
  idp: string;
  calls: number;
  summary: Summary;
  /** Requests all calls together made. */
  requests: number;
  changes: boolean;
}

export type EngineCommand = "up" | "no-op up" | "refresh" | "destroy";

export interface EngineSide {
  wallMs: number[];
  medianMs: number;
  /** IdP requests per resource, per run. */
  requestsPerResource: number;
  /** Peak resident set of the provider process (dynamic-provider host or plugin; bytes), max over runs. */
  providerPeakRssBytes: number;
  /** Changed resources the engine reported (sanity: up creates n, no-op up 0). */
  changes: number;
  /**
   * Median CPU seconds per run: `bench` = this process (the Automation API's in-process language
   * host running the program, and the in-process IdP); `cli` = the pulumi CLI and its plugins
   * minus the provider process; `host` = the dynamic-provider host or the plugin (sampled, a lower bound).
   */
  cpuSeconds: { bench: number; cli: number; host: number };
}

export interface EngineRow {
  size: number;
  /** false: the attribution run with PULUMI_SKIP_CHECKPOINTS=true (state saved once, not per step). */
  checkpoints: boolean;
  command: EngineCommand;
  /** The dynamic face (DcrClient). */
  dcr: EngineSide;
  /** The provider plugin face (`dcr:index:Client`); absent in results from before the plugin. */
  plugin?: EngineSide;
  trivial: EngineSide;
  /** median(dcr) / median(trivial). */
  ratio: number;
  /** median(plugin) / median(trivial). */
  pluginRatio?: number;
}

export interface StateRow {
  size: number;
  /** `pulumi stack export` output (pretty-printed, secrets encrypted) / n. */
  dcrBytesPerResource: number;
  /** The same clients through the plugin (absent in results from before the plugin). */
  pluginBytesPerResource?: number;
  trivialBytesPerResource: number;
  /** The same deployment as compact JSON / n. */
  dcrCompactBytesPerResource?: number;
  pluginCompactBytesPerResource?: number;
  trivialCompactBytesPerResource?: number;
  /** Largest `__provider` of a plugin-face client (0: none). */
  pluginProviderBytes?: number;
  /** `__provider` of a DcrClient in state. */
  dcrProviderBytes: number;
  trivialProviderBytes: number;
  /** Every DcrClient carries the same `__provider`. */
  providerIdentical: boolean;
}

export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  holds: boolean;
}

export interface BenchResults {
  date: string;
  mode: "full" | "smoke";
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  protocol: ProtocolRow[];
  provider: ProviderRow[];
  noopDiff: NoopDiffRow[];
  engine: EngineRow[];
  state: StateRow[];
  targets: TargetCheck[];
}

export function writeJson(file: string, results: BenchResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
