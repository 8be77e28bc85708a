/**
 * An HTTP request straight to a loopback server with a Host header of our choosing (fetch always
 * sends the real one). The Keycloak harness uses it to reach Keycloak past the counting proxy
 * while Keycloak still believes it is addressed as the proxy, so the tokens it mints (issuer =
 * `http://<host>/realms/…`) are valid for requests that do go through the proxy.
 */
import * as http from "node:http";
import { parseBody, type Json } from "./plain-dcr";

/** Where to send (`origin`, e.g. http://127.0.0.1:8080) and the Host to claim (e.g. 127.0.0.1:9090). */
export interface HostTarget {
  origin: string;
  host: string;
}

export interface HostRequest {
  method?: string;
  /** Path and query, e.g. `/admin/realms/dcr/clients?clientId=x`. */
  path: string;
  /** Sent as `Authorization: Bearer`. */
  token?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded (instead of `json`). */
  form?: Record<string, string>;
}

export interface HostAnswer {
  status: number;
  /** The JSON body (an array stays an array at runtime), `{}` when empty, `{ text }` when not JSON. */
  body: Json;
  location?: string;
}

/** Sends one request to `target.origin` with `Host: target.host`; resolves with the whole answer. */
export function hostRequest(target: HostTarget, req: HostRequest): Promise<HostAnswer> {
  const headers: Record<string, string> = { host: target.host, accept: "application/json" };
  if (req.token !== undefined) headers.authorization = `Bearer ${req.token}`;
  let payload: string | undefined;
  if (req.form !== undefined) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    payload = new URLSearchParams(req.form).toString();
  } else if (req.json !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(req.json);
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const outgoing = http.request(new URL(req.path, target.origin), { method: req.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const answer: HostAnswer = {
          status: res.statusCode ?? 0,
          body: parseBody(Buffer.concat(chunks).toString("utf8")),
        };
        if (res.headers.location !== undefined) answer.location = res.headers.location;
        resolve(answer);
      });
    });
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}
