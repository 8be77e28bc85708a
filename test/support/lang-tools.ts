/**
 * What the language tests (lang-stack.ts) run with: the artifacts a non-JS user installs
 * (`npm run artifacts` → .build/artifacts: the plugin archive, the Python wheel, the Go SDK module
 * dir), the YAML language host and the Python venv (scripts/ensure-yaml.sh, scripts/ensure-python.sh,
 * exported by scripts/test.sh as DCR_YAML_DIR and DCR_PYTHON, run here when unset), and, once per
 * test process, the wheel installed for the Python driver and the Go driver built against the Go
 * SDK module dir.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./engine";

/** The package version (the plugin's and the SDKs'). */
export const packageVersion: string = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version;
/** Where `npm run artifacts` puts what a non-JS user installs. */
export const artifactsDir = path.join(repoRoot, ".build", "artifacts");
/** The drivers' sources (test/lang/<language>). */
export const langSources = path.join(repoRoot, "test", "lang");

/** The path of an artifact, which must exist. */
function artifact(name: string): string {
  const file = path.join(artifactsDir, name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run artifacts\` first`);
  return file;
}

/** The plugin archive, for `pulumi plugin install resource dcr <version> --file <archive>`. */
export const pluginArchive = (): string => artifact(`pulumi-resource-dcr-v${packageVersion}-linux-amd64.tar.gz`);

/** Installs the plugin from its archive into `pulumiHome`, as a user does (the CLI on PATH). */
export async function installPlugin(pulumiHome: string): Promise<void> {
  await run("pulumi", ["plugin", "install", "resource", "dcr", packageVersion, "--file", pluginArchive()], {
    env: { ...process.env, PULUMI_HOME: pulumiHome, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
}

/** Where and how {@link run} runs a command. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kills the command after this long (default 10 minutes: a Keycloak rotation is slow on 2 cores). */
  timeoutMs?: number;
}

/**
 * Runs `file args`; rejects with the command's name and first two arguments (never the rest, which
 * may be `config set-all --secret k=v`), its exit and both streams.
 */
export function run(file: string, args: string[], opts: RunOptions = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(
              `${[path.basename(file), ...args.slice(0, 2)].join(" ")} … failed (${err.code ?? err.signal}):\n${stdout}\n${stderr}`,
            ),
          );
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** `$name` when set, else the last line a scripts/<script> run prints (cached in the env). */
function ensured(name: string, script: string): string {
  const given = process.env[name];
  if (given) return given;
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", script)], { encoding: "utf8" });
  const value = out.trim().split("\n").pop() as string;
  process.env[name] = value;
  return value;
}

/** The directory holding pulumi-language-yaml, to put on PATH. */
export const yamlDir = (): string => ensured("DCR_YAML_DIR", "ensure-yaml.sh");
/** The venv's python with the Pulumi Python SDK. */
export const pythonBin = (): string => ensured("DCR_PYTHON", "ensure-python.sh");

/** This process's scratch dir under .build/lang, removed when the process exits. */
const processDir = (() => {
  let dir: string | undefined;
  return (): string => {
    if (dir === undefined) {
      const made = path.join(repoRoot, ".build", "lang", `p${process.pid}`);
      fs.mkdirSync(made, { recursive: true });
      process.on("exit", () => fs.rmSync(made, { recursive: true, force: true }));
      dir = made;
    }
    return dir;
  };
})();

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/**
 * The generated Python SDK installed from the wheel (as a user installs it, without its
 * dependencies, which the venv holds): the directory to put on PYTHONPATH.
 */
export const pythonSdkPath = once(async () => {
  const wheel = artifact(`pulumi_dcr-${packageVersion}-py3-none-any.whl`);
  const target = path.join(processDir(), "python");
  await run(pythonBin(), ["-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", target, wheel]);
  return target;
});

/**
 * The Go driver (test/lang/go, whose go.mod replaces the dcr Go SDK with .build/artifacts/go),
 * built once per process; `-trimpath` as the CLI's build, so the warm build cache serves the SDK.
 */
export const goDriver = once(async () => {
  artifact("go/go.mod");
  const binary = path.join(processDir(), "go-driver");
  await run("go", ["build", "-trimpath", "-o", binary, "."], { cwd: path.join(langSources, "go") });
  return binary;
});
