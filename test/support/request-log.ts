/**
 * Counts the HTTP requests a loopback IdP fixture served, so tests can assert "zero requests on a
 * no-op up" or "exactly one PATCH"; and the loopback server both fixtures run on.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoggedRequest {
  method: string;
  /** The request path without the query string, as sent (percent-encoding kept). */
  path: string;
  /** The final status the server answered with (the injected one for injected failures). */
  status: number;
  /** The raw Authorization header, when the request carried one. */
  authorization?: string;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  /** How many requests matched; `method` is compared case-insensitively, `pathPrefix` with startsWith. */
  count(method?: string, pathPrefix?: string): number {
    const wanted = method?.toUpperCase();
    return this.entries.filter(
      (e) =>
        (wanted === undefined || e.method === wanted) && (pathPrefix === undefined || e.path.startsWith(pathPrefix)),
    ).length;
  }

  reset(): void {
    this.entries.length = 0;
  }

  /**
   * Records `req` once its response ends. The entry is added when `res.end()` is called — before
   * any byte reaches the client — so a test that awaited the response always sees it counted.
   * A response that never ends (the client went away first) is recorded when the socket closes.
   */
  track(req: IncomingMessage, res: ServerResponse): void {
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      const entry: LoggedRequest = {
        method: (req.method ?? "GET").toUpperCase(),
        path: pathOf(req.url),
        status: res.statusCode,
      };
      const authorization = req.headers.authorization;
      if (authorization !== undefined) entry.authorization = authorization;
      this.entries.push(entry);
    };
    const end = res.end;
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      log();
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse["end"];
    res.once("close", log);
  }
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q === -1 ? raw : raw.slice(0, q);
}

/** An HTTP server on 127.0.0.1 (port 0) whose every request lands in `requests`. */
export interface LoggedServer {
  server: Server;
  port: number;
  requests: RequestLog;
  /** Stops listening, drops every open (also idle keep-alive) connection, and waits until each request is logged. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port; resolves to the port (rejects if listening fails). */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startLoggedServer(listener: RequestListener): Promise<LoggedServer> {
  const requests = new RequestLog();
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    requests.track(req, res);
    const done = new Promise<void>((resolve) => res.once("close", resolve));
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    listener(req, res);
  });
  const port = await listenOnLoopback(server);
  const close = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    server.closeAllConnections();
    // Responses cut off by the close are logged on their "close" event, which can come after the server's.
    await Promise.all([closed, ...inFlight]);
  };
  return { server, port, requests, close };
}
