/**
 * `node .build/bench/cpuprofile-summary.js [--top=N] <file.cpuprofile>…`: self and total time per
 * function (name + file:line) of V8 CPU profiles (summed over the files), heaviest first — enough
 * to see where the overhead of an operation goes without opening DevTools.
 */
import * as fs from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  hitCount?: number;
}

interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function label(n: Node): string {
  const file = n.callFrame.url.replace(/^file:\/\//, "").replace(/^.*\/(node_modules\/|\.build\/)/, "$1");
  return `${n.callFrame.functionName || "(anonymous)"} ${file}:${n.callFrame.lineNumber + 1}`;
}

function main(): void {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith("--top="));
  if (files.length === 0) throw new Error("usage: cpuprofile-summary [--top=N] <file.cpuprofile>…");
  const top = Number(args.find((a) => a.startsWith("--top="))?.slice("--top=".length) ?? "25");
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (const file of files) all += accumulate(JSON.parse(fs.readFileSync(file, "utf8")) as Profile, self, total);
  const show = (title: string, m: Map<string, number>): void => {
    process.stdout.write(`${title} (of ${all.toFixed(0)} ms sampled)\n`);
    for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${v.toFixed(1).padStart(9)} ms ${((v / all) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
    }
  };
  show("self time", self);
  show("total time", total);
}

/** Adds one profile's self and total milliseconds per function; returns its sampled milliseconds. */
function accumulate(p: Profile, self: Map<string, number>, total: Map<string, number>): number {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let all = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    const leaf = byId.get(id);
    if (!leaf) return;
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur) as Node);
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + dt);
    }
  });
  return all;
}

main();
