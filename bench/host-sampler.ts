/**
 * The provider process the engine starts for one stack, watched from outside: every ~100 ms,
 * /proc/<pid>/status (VmHWM, the kernel's high-water mark, and VmRSS) and /proc/<pid>/stat (user
 * + system CPU) of each process whose command line names a provider ("dynamic-provider", the
 * dynamic-provider host, or "pulumi-resource-dcr", the plugin) and the stack's marker (its work
 * dir, or the PULUMI_HOME the plugin is installed in).
 */
import { promises as fsp } from "node:fs";

export interface HostUsage {
  /** Peak resident set in bytes (0 when no host was seen). */
  peakBytes: number;
  /** CPU seconds the hosts had used at their last sample (a lower bound: up to 100 ms may be missed). */
  cpuSeconds: number;
  samples: number;
}

export interface HostSampler {
  stop(): Promise<HostUsage>;
}

const INTERVAL_MS = 100;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, "utf8");
  } catch {
    return undefined; // the process exited between listing and reading
  }
}

function kb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** utime + stime of a /proc/<pid>/stat line, in seconds. */
export function statCpuSeconds(stat: string, children = false): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [u, s] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return (Number(u) + Number(s)) / TICKS_PER_SECOND;
}

const PROVIDERS = ["dynamic-provider", "pulumi-resource-dcr"];

/** Starts watching the provider processes whose command line contains `marker`. */
export function startHostSampler(marker: string): HostSampler {
  const unrelated = new Set<string>(); // pids whose command line can never become a provider host
  const hosts = new Map<string, number>(); // pid → CPU seconds at the last sample
  let peak = 0;
  let samples = 0;
  let running = true;

  const scan = async (): Promise<void> => {
    const pids = (await fsp.readdir("/proc")).filter((d) => /^\d+$/.test(d) && !unrelated.has(d) && !hosts.has(d));
    await Promise.all(
      pids.map(async (pid) => {
        const cmd = (await readText(`/proc/${pid}/cmdline`))?.replace(/\0/g, " ") ?? "";
        if (PROVIDERS.some((p) => cmd.includes(p)) && cmd.includes(marker)) hosts.set(pid, 0);
        else if (cmd !== "" && !cmd.includes("pulumi")) unrelated.add(pid); // a plugin script may still exec node
      }),
    );
  };

  const sample = async (): Promise<void> => {
    await scan();
    for (const pid of hosts.keys()) {
      const [status, stat] = await Promise.all([readText(`/proc/${pid}/status`), readText(`/proc/${pid}/stat`)]);
      if (status === undefined || stat === undefined) continue;
      peak = Math.max(peak, kb(status, "VmHWM"), kb(status, "VmRSS"));
      hosts.set(pid, statCpuSeconds(stat));
      samples += 1;
    }
  };

  const loop = (async () => {
    while (running) {
      await sample().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      const cpu = [...hosts.values()].reduce((a, b) => a + b, 0);
      return { peakBytes: peak, cpuSeconds: cpu, samples };
    },
  };
}
