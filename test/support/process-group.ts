/**
 * A server process started in its own process group, stopped by killing the whole group, and
 * guarded by a watchdog: a tiny detached shell loop that kills the group (TERM, then KILL) as
 * soon as the test process is gone — even when it died by SIGKILL — and then removes the
 * server's scratch directory. So a server never outlives the test process that started it.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";

/** A running process group. */
export interface ProcessGroup {
  /** The leader's pid, which is also the group id. */
  pid: number;
  /** Resolves with the leader's exit code (or signal name) once it exits. */
  exited: Promise<number | string>;
  /** True once the leader has exited. */
  hasExited(): boolean;
  /** Resident memory of every process in the group, in MiB (undefined where /proc is missing). */
  rssMiB(): number | undefined;
  /** TERM to the group, KILL after `graceMs`; resolves once the leader exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** Synchronous TERM to the whole group, for `process.on("exit")`; the watchdog escalates. */
  signalNow(): void;
}

export interface GroupSpawnOptions {
  env: NodeJS.ProcessEnv;
  /** The leader's stdout and stderr go to this file. */
  logFile: string;
  /** Removed by the watchdog once the group is gone (and by `stop`). */
  scratchDir: string;
}

/**
 * The watchdog: polls the parent and the group each second; when the parent is gone it sends TERM
 * to the group, KILL after 10 s, then removes the scratch directory. When the group ends first,
 * it only removes the scratch directory. It runs in its own group, so killing the server's group
 * never kills it.
 */
const WATCHDOG = `
parent=$1; group=$2; scratch=$3
while kill -0 "$parent" 2>/dev/null && kill -0 -"$group" 2>/dev/null; do sleep 1; done
if kill -0 -"$group" 2>/dev/null; then
  kill -TERM -"$group" 2>/dev/null
  i=0
  while kill -0 -"$group" 2>/dev/null && [ "$i" -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
  kill -KILL -"$group" 2>/dev/null
fi
rm -rf "$scratch"
`;

/** Sends `signal` to process group `pgid`; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Sum of VmRSS over the processes whose process group is `pgid` (Linux /proc). */
function groupRssMiB(pgid: number): number | undefined {
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let kib = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised command: state ppid pgrp …
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgrp !== pgid) continue;
      const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      kib += Number(rss?.[1] ?? 0);
    } catch {
      // the process ended while we looked
    }
  }
  return Math.round(kib / 1024);
}

/**
 * Starts `command args` as the leader of a new process group (detached, unreferenced: it never
 * keeps the test process alive), its output in `logFile`, plus the watchdog for it.
 * @throws when the process cannot be spawned.
 */
export function spawnGroup(command: string, args: string[], opts: GroupSpawnOptions): ProcessGroup {
  const log = fs.openSync(opts.logFile, "a");
  const child = spawn(command, args, { env: opts.env, detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${command}`);
  child.unref();
  let exitResult: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      exitResult = code ?? signal ?? "unknown";
      resolve(exitResult);
    }),
  );
  const watchdog = spawn("sh", ["-c", WATCHDOG, "watchdog", String(process.pid), String(pid), opts.scratchDir], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();

  let stopping: Promise<void> | undefined;
  return {
    pid,
    exited,
    hasExited: () => exitResult !== undefined,
    rssMiB: () => groupRssMiB(pid),
    signalNow: () => void signalGroup(pid, "SIGTERM"),
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        child.ref(); // keep the test process alive until the group is down
        if (exitResult === undefined && signalGroup(pid, "SIGTERM")) {
          let timer: NodeJS.Timeout | undefined;
          const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
          await Promise.race([exited, timedOut]);
          clearTimeout(timer);
        }
        // Whatever is left in the group (a child the leader did not take down) goes now.
        signalGroup(pid, "SIGKILL");
        await exited;
        fs.rmSync(opts.scratchDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
