/**
 * Engine harness: runs a Pulumi program through the real Pulumi CLI with the Automation API.
 *
 * Each stack gets its own PULUMI_HOME, its own `file://` backend and its own work dir, so
 * engine tests can run concurrently. Programs are inline (the Automation API hosts the
 * language runtime in this process); the work dir's node_modules is .build/node_modules, which
 * holds pulumi-dcr installed from its packed tarball, so the dynamic-provider host that the
 * engine starts there resolves `require("pulumi-dcr/…")` exactly as in a user's project.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type ConfigMap,
  type PulumiFn,
  Stack,
  type UpResult,
  type PreviewResult,
  type RefreshResult,
  type DestroyResult,
} from "@pulumi/pulumi/automation";

/** Repo root, found from this compiled file (.build/test/support → repo). */
export const repoRoot = findRepoRoot(__dirname);
/** Where engine work dirs live. */
export const e2eRoot = path.join(repoRoot, ".build", "e2e");
/** node_modules holding the packed pulumi-dcr (scripts/prepare-e2e.sh). */
export const packedModules = path.join(repoRoot, ".build", "node_modules");

function findRepoRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, "package.json")) || dir.includes(`${path.sep}.build`)) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** Loads pulumi-dcr from the e2e node_modules (the packed install), as a user's program would. */
export function loadPackage<T = typeof import("../../provider/index")>(): T {
  const entry = path.join(packedModules, "pulumi-dcr");
  if (!fs.existsSync(entry)) throw new Error("pulumi-dcr is not installed for e2e: run scripts/prepare-e2e.sh");
  return require(entry) as T;
}

export interface EngineStackOptions {
  /** The inline program. */
  program: PulumiFn;
  /** Project name (default "dcr-e2e"). */
  projectName?: string;
  /** Initial stack config, e.g. `{ "dcr:rotateAfterDays": { value: "30" } }`. */
  config?: ConfigMap;
  /** Extra environment for the CLI and the plugins it starts (e.g. DCR_NOW). */
  env?: Record<string, string>;
}

/** A stack in its own sandbox; call `dispose()` when done. */
export interface EngineStack {
  stack: Stack;
  workDir: string;
  pulumiHome: string;
  backendDir: string;
  /** Sets (or with undefined, removes) an environment variable for later operations. */
  setEnv(name: string, value: string | undefined): void;
  up(): Promise<UpResult>;
  preview(opts?: { expectNoChanges?: boolean }): Promise<PreviewResult>;
  refresh(): Promise<RefreshResult>;
  destroy(): Promise<DestroyResult>;
  /** `pulumi stack export` (secrets not shown), as text. */
  exportText(): Promise<string>;
  /** Removes the work dir, PULUMI_HOME and backend. */
  dispose(): Promise<void>;
}

let cachedCommand: Promise<PulumiCommand> | undefined;

/** The Pulumi CLI on PATH (scripts/ensure-pulumi.sh puts it there). */
export function pulumiCommand(): Promise<PulumiCommand> {
  cachedCommand ??= PulumiCommand.get({ skipVersionCheck: false });
  return cachedCommand;
}

/** Creates a sandboxed stack for `program`. */
export async function createEngineStack(opts: EngineStackOptions): Promise<EngineStack> {
  fs.mkdirSync(e2eRoot, { recursive: true });
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), "dcr-engine-"));
  const pulumiHome = path.join(sandbox, "home");
  const backendDir = path.join(sandbox, "backend");
  fs.mkdirSync(pulumiHome);
  fs.mkdirSync(backendDir);
  // The work dir must see .build/e2e/node_modules: the engine starts the dynamic-provider
  // plugin in the work dir and it resolves @pulumi/pulumi and pulumi-dcr from there.
  const workDir = fs.mkdtempSync(path.join(e2eRoot, "work-"));
  fs.symlinkSync(packedModules, path.join(workDir, "node_modules"));
  const projectName = opts.projectName ?? "dcr-e2e";
  const envVars: Record<string, string> = {
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    ...opts.env,
  };
  const ws = await LocalWorkspace.create({
    workDir,
    pulumiHome,
    pulumiCommand: await pulumiCommand(),
    program: opts.program,
    envVars,
    projectSettings: { name: projectName, runtime: "nodejs", backend: { url: `file://${backendDir}` } },
  });
  const stack = await Stack.create("dev", ws);
  if (opts.config) await stack.setAllConfig(opts.config);
  const onOutput = process.env.DCR_E2E_VERBOSE ? (s: string) => process.stderr.write(s) : undefined;
  return {
    stack,
    workDir,
    pulumiHome,
    backendDir,
    setEnv(name, value) {
      if (value === undefined) delete ws.envVars[name];
      else ws.envVars[name] = value;
    },
    up: () => stack.up({ onOutput }),
    preview: (o = {}) => stack.preview({ onOutput, expectNoChanges: o.expectNoChanges, diff: true }),
    refresh: () => stack.refresh({ onOutput }),
    destroy: () => stack.destroy({ onOutput }),
    // `pulumi stack export` as a user runs it: WITHOUT --show-secrets (the Automation API's
    // exportStack always shows them).
    exportText: async () => {
      const cmd = (await pulumiCommand()) as unknown as {
        run(args: string[], cwd: string, env: Record<string, string>): Promise<{ stdout: string }>;
      };
      const res = await cmd.run(["stack", "export", "--stack", "dev"], workDir, {
        ...ws.envVars,
        PULUMI_HOME: pulumiHome,
      });
      return res.stdout;
    },
    async dispose() {
      fs.rmSync(workDir, { recursive: true, force: true });
      fs.rmSync(sandbox, { recursive: true, force: true });
    },
  };
}
