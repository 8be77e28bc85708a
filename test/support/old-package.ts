/**
 * Released versions of pulumi-dcr side by side, for the upgrade test: the package as it was at a
 * pinned git commit (built and packed by scripts/build-old-package.sh, cached by commit) and the
 * current one (.build/pack, scripts/prepare-e2e.sh), each installed the way `npm install` leaves a
 * package — a real directory under the project's node_modules, never a link — and loaded afresh
 * by the inline program after the installed copy changed.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { repoRoot } from "./engine";

/**
 * The baseline of the upgrade test: the last commit before issue 16, whose state every later
 * package must take over without replacing the client. A later change that touches what goes into
 * state keeps this baseline (and its test) and may add a newer one next to it.
 */
export const OLD_PACKAGE_COMMIT = "db7670e937e461ae0cff816fd631650829c7f348";

/** The package as any version exports it: only what the upgrade test uses. */
export interface InstalledPackage {
  DcrClient: new (name: string, args: Record<string, unknown>) => { clientId: pulumi.Output<string> };
}

/** The tarball of pulumi-dcr at `commit`, built on first use (scripts/build-old-package.sh). */
export function oldPackageTarball(commit: string = OLD_PACKAGE_COMMIT): string {
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", "build-old-package.sh"), commit], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return out.trim().split("\n").pop() as string;
}

/** The current package's tarball, packed by scripts/prepare-e2e.sh. */
export function currentPackageTarball(): string {
  const dir = path.join(repoRoot, ".build", "pack");
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".tgz")) : [];
  if (found.length !== 1)
    throw new Error(`expected one tarball in ${dir}, found ${found.length}: run scripts/prepare-e2e.sh`);
  return path.join(dir, found[0] as string);
}

/** sha256 of a tarball (npm pack writes fixed times, so equal contents give equal hashes). */
export function tarballDigest(tarball: string): string {
  return createHash("sha256").update(fs.readFileSync(tarball)).digest("hex");
}

/**
 * Installs `tarball` as `<projectDir>/node_modules/pulumi-dcr`, replacing whatever was installed
 * there (a node_modules link becomes a real directory). `@pulumi` is linked to the repo's, as
 * scripts/prepare-e2e.sh does, so the engine's dynamic-provider host finds its runtime; the
 * package's own dependencies resolve upwards to the repo's node_modules.
 */
export function installTarball(projectDir: string, tarball: string): string {
  const modules = path.join(projectDir, "node_modules");
  if (fs.lstatSync(modules, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(modules);
  const target = path.join(modules, "pulumi-dcr");
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  const scope = path.join(modules, "@pulumi");
  if (!fs.existsSync(scope)) fs.symlinkSync(path.join(repoRoot, "node_modules", "@pulumi"), scope);
  return target;
}

/**
 * Requires the pulumi-dcr installed under `projectDir`, dropping every module loaded earlier from
 * that directory: the inline program runs in this process, and without this Node would hand back
 * the version that was installed before.
 */
export function loadInstalled(projectDir: string): InstalledPackage {
  const dir = fs.realpathSync(path.join(projectDir, "node_modules", "pulumi-dcr"));
  for (const key of Object.keys(require.cache)) if (key.startsWith(dir + path.sep)) delete require.cache[key];
  return require(dir) as InstalledPackage;
}
