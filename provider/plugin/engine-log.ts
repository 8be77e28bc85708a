/**
 * Lines the user sees: the plugin's stdout/stderr are not shown by the engine, so every core log
 * line goes through the Engine service's `Log`, with the resource's urn. One line each, like the
 * dynamic face's (runtime.ts).
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import type { CoreLog } from "../core";
import { printable } from "../text";

/** How long one line may take to reach the engine before it goes to stderr instead. */
const LOG_DEADLINE_MS = 10_000;

/** The engine's Log service, or none (then lines go to stderr). */
export class EngineLog {
  private client: EngineClient | undefined;

  /** Connects to the engine at `address` (host:port), replacing any earlier connection. */
  connect(address: string): void {
    this.client?.close();
    this.client = new EngineClient(address, grpc.credentials.createInsecure());
  }

  /** Sends one line; never fails (a line that cannot be delivered goes to stderr). */
  async send(severity: LogSeverity, message: string, urn: string): Promise<void> {
    const line = printable(message);
    const client = this.client;
    if (client === undefined) {
      process.stderr.write(`${line}\n`);
      return;
    }
    const req = new LogRequest().setSeverity(severity).setMessage(line).setUrn(urn);
    await new Promise<void>((resolve) =>
      client.log(req, new grpc.Metadata(), { deadline: Date.now() + LOG_DEADLINE_MS }, (err) => {
        if (err) process.stderr.write(`${line}\n`);
        resolve();
      }),
    );
  }

  /**
   * A CoreLog for one request on `urn`; `flush()` resolves once every line was delivered, so
   * they show before the operation's result.
   */
  forResource(urn: string): CoreLog & { flush(): Promise<void> } {
    const pending: Promise<void>[] = [];
    return {
      info: (m) => void pending.push(this.send(LogSeverity.INFO, m, urn)),
      warn: (m) => void pending.push(this.send(LogSeverity.WARNING, m, urn)),
      flush: async () => {
        await Promise.all(pending);
      },
    };
  }
}
