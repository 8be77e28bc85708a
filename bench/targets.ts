/**
 * The targets, evaluated on one run's results. Reported (and shown in the docs), never
 * used to fail a run: timings on a shared machine are evidence, not a gate.
 */
import type { BenchResults, TargetCheck } from "./results";

const KB = 1024;

function worst<T>(items: readonly T[], value: (t: T) => number): T | undefined {
  return items.reduce<T | undefined>((w, t) => (w === undefined || value(t) > value(w) ? t : w), undefined);
}

export function evaluateTargets(r: Omit<BenchResults, "targets">): TargetCheck[] {
  const out: TargetCheck[] = [];
  const p = worst(r.protocol, (x) => x.ratio);
  if (p)
    out.push({
      name: "protocol overhead, worst median ratio ours/raw",
      target: "≤ 1.10",
      value: `${p.ratio} (${p.idp} ${p.op})`,
      holds: p.ratio <= 1.1,
    });
  if (r.protocol.length > 0) {
    const differ = r.protocol.filter((x) => !x.sameRequests);
    out.push({
      name: "protocol: raw fetch sends the same requests",
      target: "all ops",
      value: differ.length === 0 ? "all ops" : differ.map((x) => `${x.idp} ${x.op}`).join(", "),
      holds: differ.length === 0,
    });
  }
  const v = worst(r.provider, (x) => x.ratio);
  if (v)
    out.push({
      name: "provider overhead (keygen excluded), worst median ratio",
      target: "≤ 1.10",
      value: `${v.ratio} (${v.idp} ${v.op})`,
      holds: v.ratio <= 1.1,
    });
  for (const d of r.noopDiff) {
    const us = d.summary.median * 1000;
    out.push({
      name: `no-op diff (${d.idp}): requests, median`,
      target: "0 requests, < 1 ms",
      value: `${d.requests} requests, ${us.toFixed(1)} µs`,
      holds: d.requests === 0 && d.summary.median < 1 && !d.changes,
    });
  }
  const engine = r.engine.filter((x) => x.checkpoints);
  const largest = Math.max(0, ...engine.map((x) => x.size));
  const atLargest = engine.filter((x) => x.size === largest);
  const e = worst(atLargest, (x) => x.ratio);
  if (e)
    out.push({
      name: `engine wall-time ratio DCR/trivial at ${largest}, worst command`,
      target: "≤ 1.3",
      value: `${e.ratio} (${e.command})`,
      holds: e.ratio <= 1.3,
    });
  const perCommand = (cmd: string, want: number): void => {
    const rows = engine.filter((x) => x.command === cmd);
    if (rows.length === 0) return;
    const got = [...new Set(rows.map((x) => x.dcr.requestsPerResource))];
    out.push({
      name: `IdP requests per resource, ${cmd}`,
      target: `${want}`,
      value: got.join(", "),
      holds: got.every((g) => g === want),
    });
  };
  perCommand("no-op up", 0);
  perCommand("refresh", 1);
  const s = r.state.find((x) => x.size === largest);
  if (s) {
    out.push({
      name: `state bytes per DcrClient (n=${largest})`,
      target: "< 12 KB",
      value: `${(s.dcrBytesPerResource / KB).toFixed(1)} KB`,
      holds: s.dcrBytesPerResource < 12 * KB,
    });
    out.push({
      name: "`__provider` bytes, identical for every resource",
      target: "< 4 KB, identical",
      value: `${s.dcrProviderBytes} B, ${s.providerIdentical ? "identical" : "NOT identical"}`,
      holds: s.dcrProviderBytes < 4 * KB && s.providerIdentical,
    });
    if (s.pluginBytesPerResource !== undefined)
      out.push({
        name: `state bytes per client, plugin face (n=${largest})`,
        target: "no `__provider`, < dynamic face",
        value: `${(s.pluginBytesPerResource / KB).toFixed(1)} KB, \`__provider\` ${s.pluginProviderBytes ?? 0} B`,
        holds: (s.pluginProviderBytes ?? 0) === 0 && s.pluginBytesPerResource < s.dcrBytesPerResource,
      });
  }
  return out;
}
