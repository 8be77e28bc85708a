/**
 * One interface over a DcrClient stack written in YAML, Python or Go, run through the real Pulumi
 * CLI with the provider plugin `pulumi-resource-dcr` installed from its archive:
 *
 * - YAML: a plain `runtime: yaml` project (test/lang/yaml/Pulumi.yaml.tmpl filled in), run with
 *   `pulumi up/preview/refresh/destroy`, pulumi-language-yaml on PATH;
 * - Python: test/lang/python/driver.py, an Automation API inline program over the generated SDK
 *   (`pulumi_dcr.Client`, installed from the wheel), one operation per run;
 * - Go: test/lang/go, the same with the generated Go SDK (`dcr.NewClient`, from the module dir).
 *
 * Each stack has its own PULUMI_HOME (the plugin installed there), `file://` backend and work dir,
 * so stacks run concurrently. Outputs are read with `pulumi stack output --json --show-secrets`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { goDriver, installPlugin, langSources, pythonBin, pythonSdkPath, run, yamlDir } from "./lang-tools";

/** A Pulumi language a DcrClient program is written in. */
export type Lang = "yaml" | "python" | "go";
/** Every language, in the order tests loop over them. */
export const LANGS: readonly Lang[] = ["yaml", "python", "go"];
/** The Client outputs a stack exports by default. */
export const CLIENT_EXPORTS = ["clientId", "activeKid", "privateKeyPem", "registrationAccessToken", "redirectUris"];

const PROJECT = "dcr-lang";
const STACK = "dev";

/** What a language stack is made of: its language, its Clients, its config and what it exports. */
export interface LangStackOptions {
  lang: Lang;
  /** Resource name → Client args (schema names, camelCase), JSON values only. */
  resources: Record<string, Record<string, unknown>>;
  /** Stack config, e.g. `{ "dcr:initialAccessToken": { value, secret: true } }`. */
  config: ConfigMap;
  /** Client outputs exported as stack outputs (default CLIENT_EXPORTS; "<name>.<output>" with several resources). */
  exports?: readonly string[];
  /** Extra environment for the CLI, the drivers and the plugin (e.g. DCR_NOW). */
  env?: Record<string, string>;
}

/** A stack in its own sandbox; call `dispose()` when done. Every operation rejects on a failure. */
export interface LangStack {
  lang: Lang;
  workDir: string;
  pulumiHome: string;
  /** Sets (or with undefined, removes) an environment variable for later operations. */
  setEnv(name: string, value: string | undefined): void;
  /** Each returns the operation's output (the CLI's stdout). */
  up(): Promise<string>;
  preview(opts?: { diff?: boolean; expectNoChanges?: boolean }): Promise<string>;
  refresh(): Promise<string>;
  destroy(): Promise<string>;
  /** The stack outputs, secrets in clear (as of the last `up`). */
  outputs(): Promise<Record<string, unknown>>;
  /** `pulumi stack export` as a user runs it (secrets not shown), as text. */
  exportText(): Promise<string>;
  /** Removes the sandbox. */
  dispose(): Promise<void>;
}

type Operation = "up" | "preview" | "refresh" | "destroy";
/** How one language runs an operation with CLI-style flags (`--diff`, `--expect-no-changes`). */
type Operate = (operation: Operation, flags: string[], env: NodeJS.ProcessEnv) => Promise<string>;

/** Runs `pulumi <args> --stack dev --non-interactive` in `workDir`. */
function pulumi(workDir: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return run("pulumi", [...args, "--stack", STACK, "--non-interactive"], { cwd: workDir, env });
}

/** Writes the YAML program and creates its stack with the config; returns how to operate it. */
async function yamlStack(workDir: string, opts: LangStackOptions, env: NodeJS.ProcessEnv): Promise<Operate> {
  const names = Object.keys(opts.resources);
  const exports = opts.exports ?? CLIENT_EXPORTS;
  const resources = names.map(
    (n) => `  ${n}:\n    type: dcr:index:Client\n    properties: ${JSON.stringify(opts.resources[n])}`,
  );
  const outputs = names.flatMap((n) =>
    exports.map((o) => `  ${JSON.stringify(names.length > 1 ? `${n}.${o}` : o)}: \${${n}.${o}}`),
  );
  const template = fs.readFileSync(path.join(langSources, "yaml", "Pulumi.yaml.tmpl"), "utf8");
  const program = template
    .replace("{{project}}", PROJECT)
    .replace("{{resources}}", resources.join("\n"))
    .replace("{{outputs}}", outputs.join("\n"));
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), program);
  await run("pulumi", ["stack", "init", STACK, "--non-interactive"], { cwd: workDir, env });
  const settings = Object.entries(opts.config).flatMap(([k, c]) => [
    c.secret ? "--secret" : "--plaintext",
    `${k}=${c.value}`,
  ]);
  if (settings.length > 0) await pulumi(workDir, ["config", "set-all", ...settings], env);
  const flagsOf: Record<Operation, string[]> = {
    up: ["--yes", "--skip-preview"],
    preview: [],
    refresh: ["--yes", "--skip-preview"],
    destroy: ["--yes", "--skip-preview"],
  };
  return async (operation, flags, e) => (await pulumi(workDir, [operation, ...flagsOf[operation], ...flags], e)).stdout;
}

/** A driver (Python or Go) that takes a spec file and one operation; returns how to operate it. */
function driverStack(
  command: [string, ...string[]],
  sandbox: string,
  workDir: string,
  opts: LangStackOptions,
): Operate {
  const spec = path.join(sandbox, "spec.json");
  const body = { project: PROJECT, stack: STACK, workDir, config: opts.config, resources: opts.resources };
  fs.writeFileSync(spec, JSON.stringify({ ...body, exports: opts.exports ?? CLIENT_EXPORTS }));
  return async (operation, flags, env) => {
    const { stdout } = await run(command[0], [...command.slice(1), spec, operation, ...flags], { cwd: workDir, env });
    const last = stdout.trim().split("\n").pop() ?? "";
    return (JSON.parse(last) as { stdout: string }).stdout;
  };
}

/** Creates a sandboxed stack for `opts.lang`, the plugin installed into its PULUMI_HOME. */
export async function createLangStack(opts: LangStackOptions): Promise<LangStack> {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), `dcr-lang-${opts.lang}-`));
  const pulumiHome = path.join(sandbox, "home");
  const backendDir = path.join(sandbox, "backend");
  const workDir = path.join(sandbox, "work");
  for (const dir of [pulumiHome, backendDir, workDir]) fs.mkdirSync(dir);
  const envVars: Record<string, string> = {
    PATH: `${yamlDir()}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "lang-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    ...opts.env,
  };
  if (opts.lang === "python") envVars.PYTHONPATH = await pythonSdkPath();
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...envVars });
  try {
    await installPlugin(pulumiHome);
    const operate =
      opts.lang === "yaml"
        ? await yamlStack(workDir, opts, env())
        : driverStack(
            opts.lang === "python" ? [pythonBin(), path.join(langSources, "python", "driver.py")] : [await goDriver()],
            sandbox,
            workDir,
            opts,
          );
    const op = (operation: Operation, flags: string[] = []) => operate(operation, flags, env());
    return {
      lang: opts.lang,
      workDir,
      pulumiHome,
      setEnv(name, value) {
        if (value === undefined) delete envVars[name];
        else envVars[name] = value;
      },
      up: () => op("up"),
      preview: (o = {}) =>
        op("preview", [...(o.diff ? ["--diff"] : []), ...(o.expectNoChanges ? ["--expect-no-changes"] : [])]),
      refresh: () => op("refresh"),
      destroy: () => op("destroy"),
      outputs: async () =>
        JSON.parse((await pulumi(workDir, ["stack", "output", "--json", "--show-secrets"], env())).stdout),
      exportText: async () => (await pulumi(workDir, ["stack", "export"], env())).stdout,
      async dispose() {
        fs.rmSync(sandbox, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(sandbox, { recursive: true, force: true });
    throw e;
  }
}
