/** plan/ is pure: loading every compiled planner (and the algorithm list) loads no crypto library. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import * as path from "node:path";

const built = path.resolve(__dirname, "..", "..", "provider");

test("every compiled plan/*.js loads in a fresh process without loading jose", () => {
  const planDir = path.join(built, "plan");
  const files = readdirSync(planDir)
    .filter((f) => f.endsWith(".js"))
    .map((f) => path.join(planDir, f));
  files.push(path.join(built, "key-algorithms.js"));
  assert.ok(files.length > 10, `found ${files.length} planner modules`);
  const script =
    "for (const f of JSON.parse(process.argv[1])) require(f);" +
    "const loaded = Object.keys(require.cache);" +
    "process.stdout.write(JSON.stringify({ loaded: loaded.length, jose: loaded.filter((k) => /[\\\\/]jose[\\\\/]/.test(k)) }));";
  const out = JSON.parse(
    execFileSync(process.execPath, ["-e", script, JSON.stringify(files)], { encoding: "utf8" }),
  ) as {
    loaded: number;
    jose: string[];
  };
  assert.ok(out.loaded >= files.length, "the planners were loaded");
  assert.deepEqual(out.jose, [], "no jose module was loaded");
  // The check can fail: the key material module does load jose.
  const crypto = JSON.parse(
    execFileSync(process.execPath, ["-e", script, JSON.stringify([path.join(built, "crypto.js")])], {
      encoding: "utf8",
    }),
  ) as { jose: string[] };
  assert.ok(crypto.jose.length > 0, "crypto.js loads jose (the probe sees it)");
});
