/**
 * A plain loopback HTTP proxy in front of one upstream on 127.0.0.1 that counts every request
 * (`requests`, a {@link RequestLog}) and otherwise changes nothing: method, path, headers — the
 * Host header included — and bodies pass through as they are, streamed both ways. An upstream
 * that derives its URLs from the Host header (Keycloak in dev mode) therefore hands out URLs that
 * lead back through the proxy. Extra logs ("taps") can count a subset, e.g. one realm's requests.
 */
import * as http from "node:http";
import { RequestLog, startLoggedServer } from "./request-log";

export interface ForwardProxy {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Every request the proxy served. */
  requests: RequestLog;
  /** A log of the requests whose path (query removed) `match` accepts, from now until `detach()`. */
  tap(match: (path: string) => boolean): { log: RequestLog; detach(): void };
  close(): Promise<void>;
}

export interface ForwardProxyOptions {
  /**
   * The proxy never keeps the process alive by itself (its listener and accepted connections are
   * unreferenced): for a proxy shared by a whole test file and stopped when the process exits.
   */
  unref?: boolean;
}

/** Starts the proxy on 127.0.0.1 (free port) in front of `http://127.0.0.1:<upstreamPort>`. */
export async function startForwardProxy(upstreamPort: number, opts: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const taps = new Set<{ match: (path: string) => boolean; log: RequestLog }>();
  const logged = await startLoggedServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    for (const tap of taps) if (tap.match(path)) tap.log.track(req, res);
    const upstream = http.request(
      { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) {
        res.destroy();
      } else {
        res.statusCode = 502;
        res.end();
      }
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  if (opts.unref) {
    logged.server.unref();
    logged.server.on("connection", (socket) => socket.unref());
  }
  return {
    origin: `http://127.0.0.1:${logged.port}`,
    requests: logged.requests,
    tap(match) {
      const entry = { match, log: new RequestLog() };
      taps.add(entry);
      return { log: entry.log, detach: () => void taps.delete(entry) };
    },
    close: logged.close,
  };
}
