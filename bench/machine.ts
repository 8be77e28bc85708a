/** The machine a run happened on, for the report: CPUs, memory, load, Node and Pulumi versions. */
import { execFileSync } from "node:child_process";
import * as os from "node:os";

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: number[];
  platform: string;
  node: string;
  pulumiCli: string;
  pulumiSdk: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  let pulumiCli = "unknown";
  try {
    pulumiCli = execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
  } catch {
    // not on PATH: left as unknown
  }
  const sdk = (require("@pulumi/pulumi/package.json") as { version: string }).version;
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    pulumiCli,
    pulumiSdk: sdk,
  };
}
