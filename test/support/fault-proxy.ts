/**
 * A loopback HTTP fault proxy: a real TCP listener on 127.0.0.1 (port 0) that forwards to one
 * upstream (an IdP fixture) and, per method/path rule, misbehaves the way networks and gateways
 * do in production:
 *
 *   delay        wait before forwarding (the request reaches the IdP late, or never if the client gave up)
 *   slowAnswer   forward at once, hold the answer back (applied at the IdP, answer late: client timeouts)
 *   dropBefore   cut the connection before forwarding: the IdP never sees the request
 *   dropAfter    forward, let the IdP apply it, then cut the connection without answering (response lost)
 *   status       answer 429/500/502/503/… itself without forwarding (body may echo the caller's token)
 *   statusAfter  forward (applied at the IdP), then answer 500/502/… instead of the real answer
 *   truncate     forward, send the headers and part of the body, then cut (a body that never completes)
 *   garble       forward, replace the body with non-JSON bytes (status and content-type kept)
 *   huge         answer 200 with an endless-looking JSON body of `bytes` bytes (a cap must stop reading)
 *   rewrite      forward, hand the answer to a function (hostile IdP: other client_id, foreign URIs, …)
 *
 * Every request is counted (`requests`), with the fault applied and whether it was forwarded.
 * Bodies from the upstream have the upstream origin rewritten to the proxy's, so URLs the IdP
 * hands out (registration_client_uri, discovery) lead back through the proxy.
 * The proxy stops by itself after `lifetimeMs` (default 10 minutes) if a test forgets to close it.
 */
import * as http from "node:http";
import type { Socket } from "node:net";
import { listenOnLoopback } from "./request-log.js";

export type FaultKind =
  | "delay"
  | "slowAnswer"
  | "dropBefore"
  | "dropAfter"
  | "status"
  | "statusAfter"
  | "truncate"
  | "garble"
  | "huge"
  | "rewrite";

/** What a rule sees of the request. */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** An upstream answer as a rewrite rule sees and returns it. */
export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type FaultAction =
  | { kind: "delay"; ms: number }
  | { kind: "slowAnswer"; ms: number }
  | { kind: "dropBefore" }
  | { kind: "dropAfter" }
  | {
      kind: "status";
      status: number;
      retryAfter?: string;
      contentType?: string;
      body?: string | ((req: ProxiedRequest) => string);
    }
  | { kind: "statusAfter"; status: number; body?: string }
  | { kind: "truncate"; keepBytes?: number }
  | { kind: "garble" }
  | {
      kind: "huge";
      bytes: number;
      contentType?: string;
      /** Omit content-length (chunked): the size is learnt only by reading. */ chunked?: boolean;
    }
  | { kind: "rewrite"; transform: (res: ProxiedResponse, req: ProxiedRequest) => ProxiedResponse };

export interface FaultRule {
  /** Matches this method only (case-insensitive); any method when omitted. */
  method?: string;
  /** A path prefix (string) or pattern (RegExp); any path when omitted. */
  path?: string | RegExp;
  /** How many matching requests the rule applies to. Defaults to 1; Infinity = until removed. */
  times?: number;
  action: FaultAction;
}

export interface ProxyEntry {
  method: string;
  path: string;
  /** The fault applied, if any. */
  fault?: FaultKind;
  /** True when the request was passed on to the upstream. */
  forwarded: boolean;
  /** The Authorization header the caller sent, if any. */
  authorization?: string;
  /** Body bytes written back to the caller (for `huge`: how far the caller read before giving up). */
  bytesSent: number;
  /** The status the upstream answered with, when the request was forwarded and answered. */
  upstreamStatus?: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Maps an upstream URL to the same URL through the proxy. */
  url(upstreamUrl: string): string;
  requests: ProxyEntry[];
  /** Requests seen, optionally of one method and under one path prefix. */
  count(method?: string, pathPrefix?: string): number;
  /** Requests that reached the upstream. */
  forwarded(method?: string, pathPrefix?: string): number;
  /** Requests a fault was applied to (of one kind when given). */
  faults(kind?: FaultKind): number;
  /** Adds a rule; rules are tried in the order added, the first live match applies. */
  addRule(rule: FaultRule): void;
  /** Removes every rule. */
  clearRules(): void;
  /** Rules still live (not used up). */
  pendingRules(): number;
  /** Every later request is cut before forwarding (the IdP "is down") until `up()`. */
  down(): void;
  up(): void;
  reset(): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Stop by itself after this long. Defaults to 10 minutes. */
  lifetimeMs?: number;
  /** Largest request or upstream response body buffered. Defaults to 8 MB. */
  maxBodyBytes?: number;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "proxy-connection",
  "upgrade",
  "te",
  "trailer",
  "content-length",
]);

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === "string" ? path.startsWith(rule.path) : rule.path.test(path);
}

async function readAll(stream: NodeJS.ReadableStream, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new Error(`fault-proxy: body over ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Cuts the caller's connection at once (TCP RST where the platform allows it). */
function cut(socket: Socket): void {
  if (typeof socket.resetAndDestroy === "function" && !socket.destroyed) socket.resetAndDestroy();
  else socket.destroy();
}

export async function startFaultProxy(upstream: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  const upstreamOrigin = target.origin;
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const rules: (FaultRule & { left: number })[] = [];
  const requests: ProxyEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let isDown = false;
  let closed = false;
  let origin = "";

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const take = (method: string, path: string): FaultRule | undefined => {
    const i = rules.findIndex((r) => matches(r, method, path));
    const rule = rules[i];
    if (!rule) return undefined;
    rule.left -= 1;
    if (rule.left <= 0) rules.splice(i, 1);
    return rule;
  };

  const forward = (req: ProxiedRequest & { query: string }): Promise<ProxiedResponse> =>
    new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      headers.host = target.host;
      headers["content-length"] = String(req.body.length);
      const out = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.path + req.query,
          headers,
          agent: false,
        },
        (res) => {
          readAll(res, maxBody).then((body) => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = Array.isArray(v) ? v.join(", ") : v;
            const text = body.toString("utf8");
            const rewritten = text.includes(upstreamOrigin)
              ? Buffer.from(text.split(upstreamOrigin).join(origin))
              : body;
            resolve({ status: res.statusCode ?? 502, headers: h, body: rewritten });
          }, reject);
        },
      );
      out.once("error", reject);
      out.end(req.body);
    });

  const send = (res: http.ServerResponse, entry: ProxyEntry, answer: ProxiedResponse): void => {
    res.writeHead(answer.status, {
      ...answer.headers,
      "content-length": String(answer.body.length),
      connection: "close",
    });
    entry.bytesSent = answer.body.length;
    res.end(answer.body);
  };

  const handle = async (inc: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = (inc.method ?? "GET").toUpperCase();
    const raw = inc.url ?? "/";
    const q = raw.indexOf("?");
    const path = q === -1 ? raw : raw.slice(0, q);
    const entry: ProxyEntry = { method, path, forwarded: false, bytesSent: 0 };
    if (inc.headers.authorization !== undefined) entry.authorization = inc.headers.authorization;
    requests.push(entry);
    const body = await readAll(inc, maxBody);
    const req = Object.assign({ method, path, headers: inc.headers, body }, { query: q === -1 ? "" : raw.slice(q) });
    const socket = inc.socket;
    if (isDown) {
      entry.fault = "dropBefore";
      return cut(socket);
    }
    const rule = take(method, path);
    const action = rule?.action;
    if (action) entry.fault = action.kind;
    const pass = async (): Promise<ProxiedResponse> => {
      entry.forwarded = true;
      const answer = await forward(req);
      entry.upstreamStatus = answer.status;
      return answer;
    };
    switch (action?.kind) {
      case undefined:
        return send(res, entry, await pass());
      case "delay":
        await sleep(action.ms);
        if (socket.destroyed || closed) return; // the caller gave up: the request never leaves
        return send(res, entry, await pass());
      case "slowAnswer": {
        const answer = await pass();
        await sleep(action.ms);
        if (socket.destroyed || closed) return;
        return send(res, entry, answer);
      }
      case "dropBefore":
        return cut(socket);
      case "dropAfter":
        await pass();
        return cut(socket);
      case "status": {
        const text =
          typeof action.body === "function"
            ? action.body(req)
            : (action.body ??
              JSON.stringify({
                error: action.status === 429 ? "slow_down" : "temporarily_unavailable",
                error_description: `injected ${action.status}`,
              }));
        const headers: Record<string, string> = { "content-type": action.contentType ?? "application/json" };
        if (action.retryAfter !== undefined) headers["retry-after"] = action.retryAfter;
        return send(res, entry, { status: action.status, headers, body: Buffer.from(text) });
      }
      case "statusAfter": {
        await pass();
        const text =
          action.body ??
          JSON.stringify({ error: "server_error", error_description: `injected ${action.status} after forwarding` });
        return send(res, entry, {
          status: action.status,
          headers: { "content-type": "application/json" },
          body: Buffer.from(text),
        });
      }
      case "truncate": {
        const answer = await pass();
        const keep = Math.min(
          action.keepBytes ?? Math.floor(answer.body.length / 2),
          Math.max(0, answer.body.length - 1),
        );
        res.writeHead(answer.status, {
          ...answer.headers,
          "content-length": String(answer.body.length),
          connection: "close",
        });
        entry.bytesSent = keep;
        // FIN, not RST: the caller gets the headers and the partial body, then a premature end.
        res.write(answer.body.subarray(0, keep), () => setTimeout(() => socket.destroy(), 20));
        return;
      }
      case "garble": {
        const answer = await pass();
        const junk = Buffer.from(
          `\u0000<html>${"\u00ff#".repeat(Math.max(4, Math.floor(answer.body.length / 2)))}`,
          "latin1",
        );
        return send(res, entry, { ...answer, body: junk });
      }
      case "huge":
        return streamHuge(res, entry, action.bytes, action.contentType ?? "application/json", action.chunked === true);
      case "rewrite": {
        const answer = await pass();
        return send(res, entry, action.transform(answer, req));
      }
    }
  };

  /** A JSON-looking body of `bytes` bytes, written in chunks as fast as the caller reads. */
  const streamHuge = (
    res: http.ServerResponse,
    entry: ProxyEntry,
    bytes: number,
    contentType: string,
    chunked: boolean,
  ): void => {
    res.writeHead(200, {
      "content-type": contentType,
      ...(chunked ? {} : { "content-length": String(bytes) }),
      connection: "close",
    });
    const head = Buffer.from('{"client_id":"x","padding":"');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes && !res.destroyed && !closed) {
        const piece = sent === 0 ? head : chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += piece.length;
        entry.bytesSent = sent;
        if (!res.write(piece)) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  };

  const server = http.createServer((inc, res) => {
    handle(inc, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { "content-type": "application/json", connection: "close" });
        res.end(JSON.stringify({ error: "bad_gateway", error_description: "fault-proxy: upstream failed" }));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 1000;
  const port = await listenOnLoopback(server);
  origin = `http://127.0.0.1:${port}`;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    clearTimeout(lifetime);
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await done;
  };
  const lifetime = setTimeout(() => void close(), options.lifetimeMs ?? 10 * 60_000);
  lifetime.unref();

  const filter = (method?: string, prefix?: string) => (e: ProxyEntry) =>
    (method === undefined || e.method === method.toUpperCase()) && (prefix === undefined || e.path.startsWith(prefix));

  return {
    origin,
    port,
    url: (u) => (u.startsWith(upstreamOrigin) ? origin + u.slice(upstreamOrigin.length) : u),
    requests,
    count: (m, p) => requests.filter(filter(m, p)).length,
    forwarded: (m, p) => requests.filter(filter(m, p)).filter((e) => e.forwarded).length,
    faults: (kind) => requests.filter((e) => e.fault !== undefined && (kind === undefined || e.fault === kind)).length,
    addRule: (rule) => void rules.push({ ...rule, left: rule.times ?? 1 }),
    clearRules: () => void rules.splice(0),
    pendingRules: () => rules.length,
    down: () => void (isDown = true),
    up: () => void (isDown = false),
    reset: () => void requests.splice(0),
    close,
  };
}
