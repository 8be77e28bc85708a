/**
 * What an operator does to a stack besides up/preview/refresh/destroy, for the reliability
 * suite: run the CLI directly (`pulumi state delete`, `stack export --show-secrets`), clear
 * pending operations, find and kill the processes a stack's engine started (the CLI and the
 * dynamic-provider host — found by the stack's own PULUMI_HOME, never by name), and run an
 * operation with verbose engine logging captured.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { EngineStack } from "./engine";

/** Environment the CLI runs with for `engine` (the workspace's, plus PULUMI_HOME). */
function cliEnv(engine: EngineStack): NodeJS.ProcessEnv {
  const ws = engine.stack.workspace as unknown as { envVars: Record<string, string> };
  return { ...process.env, ...ws.envVars, PULUMI_HOME: engine.pulumiHome };
}

/** Runs `pulumi <args> --stack dev --non-interactive` in the stack's work dir (2 minutes at most). */
export function pulumiCli(engine: EngineStack, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      [...args, "--stack", "dev", "--non-interactive"],
      { cwd: engine.workDir, env: cliEnv(engine), timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`pulumi ${args.join(" ")} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** `pulumi state delete <urn> --yes`: what a user runs to forget a resource without touching the IdP. */
export async function stateDelete(engine: EngineStack, urn: string): Promise<void> {
  await pulumiCli(engine, ["state", "delete", urn, "--yes"]);
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** The deployment with secrets in plaintext (`pulumi stack export --show-secrets`). */
export async function exportWithSecrets(
  engine: EngineStack,
): Promise<{ resources: StateResource[]; pending: unknown[] }> {
  const { stdout } = await pulumiCli(engine, ["stack", "export", "--show-secrets"]);
  const d = unwrapSecrets(
    JSON.parse(stdout) as { deployment: { resources?: StateResource[]; pending_operations?: unknown[] } },
  ).deployment;
  return { resources: d.resources ?? [], pending: d.pending_operations ?? [] };
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replaces every `{ <sig>: …, plaintext: "<json>" }` secret envelope by its value. */
function unwrapSecrets<T>(v: T): T {
  if (Array.isArray(v)) return v.map(unwrapSecrets) as T;
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (SECRET_SIG in o && typeof o.plaintext === "string") return unwrapSecrets(JSON.parse(o.plaintext) as T);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)])) as T;
}

/** DcrClient resources of a deployment by resource name. */
export function dcrClients(resources: StateResource[]): Map<string, StateResource> {
  const out = new Map<string, StateResource>();
  for (const r of resources)
    if (r.type === "pulumi-nodejs:dynamic/dcr:DcrClient") out.set(r.urn.split("::").pop() as string, r);
  return out;
}

/**
 * Clears pending operations the way the docs tell a user to (export, drop
 * `pending_operations`, import), returning what was pending.
 */
export async function clearPendingOperations(engine: EngineStack): Promise<unknown[]> {
  const exported = await engine.stack.exportStack();
  const deployment = exported.deployment as { pending_operations?: unknown[] };
  const pending = deployment.pending_operations ?? [];
  if (pending.length > 0) {
    delete deployment.pending_operations;
    await engine.stack.importStack(exported);
  }
  return pending;
}

/** Processes started for this stack (their environment carries its unique PULUMI_HOME). */
export function stackProcesses(engine: EngineStack): { pid: number; cmd: string }[] {
  const marker = `PULUMI_HOME=${engine.pulumiHome}\0`;
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!fs.readFileSync(`/proc/${entry}/environ`, "utf8").includes(marker)) continue;
      out.push({
        pid: Number(entry),
        cmd: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim(),
      });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** SIGKILLs this stack's processes whose command line matches `which`; returns how many. */
export function killStackProcesses(engine: EngineStack, which: (cmd: string) => boolean): number {
  let n = 0;
  for (const p of stackProcesses(engine)) {
    if (!which(p.cmd)) continue;
    try {
      process.kill(p.pid, "SIGKILL");
      n++;
    } catch {
      // already gone
    }
  }
  return n;
}

export const isProviderHost = (cmd: string): boolean => cmd.includes("@pulumi/pulumi/cmd/dynamic-provider");
export const isCli = (cmd: string): boolean => /^\S*pulumi (up|preview|refresh|destroy)\b/.test(cmd);

/** Polls `cond` every 50 ms until it holds (true) or `timeoutMs` passes (false). */
export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** Everything one engine operation printed, and whether it succeeded. */
export interface Logged {
  ok: boolean;
  /** stdout + stderr of the CLI, verbose engine log included. */
  text: string;
  error?: Error;
}

/**
 * Runs `op` (an up/preview/refresh/destroy of `engine.stack`) with the engine's verbose log
 * (`-v=9 --logflow --logtostderr`) captured together with its output; never throws.
 */
export async function logged(
  run: (opts: {
    logToStdErr: true;
    logVerbosity: number;
    logFlow: true;
    onOutput: (s: string) => void;
    onError: (s: string) => void;
  }) => Promise<unknown>,
): Promise<Logged> {
  const chunks: string[] = [];
  const collect = (s: string): void => void chunks.push(s);
  try {
    await run({ logToStdErr: true, logVerbosity: 9, logFlow: true, onOutput: collect, onError: collect });
    return { ok: true, text: chunks.join("") };
  } catch (e) {
    return { ok: false, text: chunks.join("") + String((e as Error).message), error: e as Error };
  }
}

/** Output of a failed engine operation (the Automation API puts stdout/stderr in the message). */
export async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return String((e as Error).message);
  }
  throw new Error("expected the engine operation to fail");
}

/**
 * The CLI's exit code and output from a failed Automation API operation. (The Automation API
 * reports a non-zero exit as code -2 and keeps the process result, with the real exit code, as
 * `commandResult.err`.)
 */
export function exitOf(e: unknown): { code: number; out: string } {
  const r = (e as { commandResult?: { code: number; stdout: string; stderr: string; err?: { exitCode?: number } } })
    .commandResult;
  if (r === undefined) throw e;
  const code = typeof r.err?.exitCode === "number" ? r.err.exitCode : r.code;
  return { code, out: `${r.stdout}${r.stderr}` };
}

/**
 * The DIY (file) backend writes the checkpoint in place (`no_tmp_dir=true`): a CLI killed during
 * that write leaves it truncated ("failed to load checkpoint: EOF"). The documented fix is to
 * put back the `.bak` the backend kept of the previous checkpoint. Returns true when it did.
 */
export function restoreCheckpointBackup(engine: EngineStack, project = "dcr-e2e", stackName = "dev"): boolean {
  const file = path.join(engine.backendDir, ".pulumi", "stacks", project, `${stackName}.json`);
  if (!fs.existsSync(`${file}.bak`)) return false;
  fs.copyFileSync(`${file}.bak`, file);
  return true;
}
