/**
 * The plugin's launcher (scripts/plugin/pulumi-resource-dcr): it runs the bundle with the `node`
 * on PATH, and refuses a Node.js older than 22 — or none — with a message saying what it needs.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../support/engine";

const LAUNCHER = path.join(repoRoot, "scripts", "plugin", "pulumi-resource-dcr");

/**
 * Runs the launcher with PATH = a dir holding a fake `node` that answers `version` (none if
 * undefined) and otherwise echoes its arguments, plus `dirname` and `sh`.
 */
function launchWith(version: string | undefined): { status: number | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dcr-launcher-"));
  try {
    if (version !== undefined) {
      const major = version.replace(/^v/, "").split(".")[0];
      const fake = `#!/bin/sh\ncase "$1" in\n  -p) echo ${major} ;;\n  --version) echo ${version} ;;\n  *) echo ran "$@" ;;\nesac\n`;
      fs.writeFileSync(path.join(dir, "node"), fake, { mode: 0o755 });
    }
    for (const tool of ["dirname", "sh"]) {
      const found = ["/usr/bin", "/bin"].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
      if (found !== undefined) fs.symlinkSync(found, path.join(dir, tool));
    }
    const r = spawnSync("/bin/sh", [LAUNCHER, "127.0.0.1:1"], { env: { PATH: dir }, encoding: "utf8" });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("launcher: Node.js older than 22 is refused, naming the version found", () => {
  const r = launchWith("v20.20.2");
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), "pulumi-resource-dcr: Node.js 22 or newer is required on PATH (found v20.20.2)");
});

test("launcher: no node on PATH is refused", () => {
  const r = launchWith(undefined);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), "pulumi-resource-dcr: Node.js 22 or newer is required on PATH (no 'node' found)");
});

test("launcher: Node.js 22 runs the bundle next to it with the engine's arguments", () => {
  const r = launchWith("v22.0.0");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout.trim(),
    `ran ${path.join(repoRoot, "scripts", "plugin", "pulumi-resource-dcr.js")} 127.0.0.1:1`,
  );
});
