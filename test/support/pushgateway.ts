/**
 * A real Prometheus Pushgateway (Debian's prometheus-pushgateway; scripts/ensure-pushgateway.sh
 * installs it) on 127.0.0.1, started per test and stopped by it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";

export interface Pushgateway {
  url: string;
  /** The text exposition the gateway serves at /metrics. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startPushgateway(): Promise<Pushgateway> {
  const bin = process.env.PUSHGATEWAY_BIN || "/usr/bin/prometheus-pushgateway";
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // Debian's build persists to /var/lib/prometheus/pushgateway.data by default, which every
    // gateway on the machine would then share (and reload): keep each one's metrics in memory.
    const child: ChildProcess = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`, "--persistence.file="], {
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`${url}/-/ready`);
        if (res.ok) {
          return {
            url,
            metrics: async () => (await fetch(`${url}/metrics`)).text(),
            close: async () => {
              child.kill("SIGTERM");
              await exited;
            },
          };
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    await exited;
  }
  throw new Error(`could not start ${bin} on loopback`);
}
