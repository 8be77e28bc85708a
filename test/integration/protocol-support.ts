/**
 * Shared helpers of the protocol integration tests: test keys, client metadata for the real
 * IdPs, and one assertion for every expected failure — exact code, key words, and no secret
 * anywhere in the message, stack or cause chain.
 */
import * as assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DcrError, type DcrErrorCode } from "../../provider/errors";
import type { ClientHandle, RequestOptions } from "../../provider/protocol/types";
import type { TestKey } from "../support/plain-dcr";
import { leaks } from "../support/secrets";

export type Json = Record<string, unknown>;

/** Options that keep retries fast in tests; the policy is the same as in production. */
export const FAST: RequestOptions = { retryBaseMs: 5, timeoutMs: 5_000 };

/** Test keys: the same ES256 helper the plain-fetch round trips use. */
export { es256Key, type TestKey } from "../support/plain-dcr";

/** private_key_jwt client metadata that oidc-provider accepts (and the seed stores as is). */
export function clientMetadata(keys: TestKey[], extra: Json = {}): Json {
  return {
    client_name: "bff",
    contacts: ["ops@example.com"],
    redirect_uris: ["https://app.example.com/callback"],
    token_endpoint_auth_method: "private_key_jwt",
    token_endpoint_auth_signing_alg: "ES256",
    grant_types: ["authorization_code", "client_credentials"],
    response_types: ["code"],
    jwks: { keys: keys.map((k) => k.publicJwk) },
    ...extra,
  };
}

/** The kids of a record's inline jwks. */
export function kidsOf(record: Json | undefined): string[] {
  return ((record?.jwks as { keys: { kid: string }[] } | undefined)?.keys ?? []).map((k) => k.kid);
}

/** Every token of a handle, for leak checks. */
export function handleSecrets(...handles: ClientHandle[]): string[] {
  return handles
    .flatMap((h) => [h.registrationAccessToken, h.clientSecret])
    .filter((s): s is string => typeof s === "string");
}

/** All text an error exposes: message, stack and the messages of its cause chain. */
function exposedText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur instanceof Error && depth < 10; depth++) {
    parts.push(cur.message, cur.stack ?? "");
    cur = cur.cause;
  }
  return parts.join("\n");
}

/** Secrets every {@link rejection} in this process also searches for: IdP tokens and live handles. */
const tracked = { values: new Set<string>(), handles: new Set<ClientHandle>() };

/** Adds tokens (strings) and handles (their current RAT and secret, read at each check) to every leak check. */
export function trackSecrets(...items: (string | ClientHandle | undefined)[]): void {
  for (const item of items) {
    if (typeof item === "string") tracked.values.add(item);
    else if (item !== undefined) tracked.handles.add(item);
  }
}

function allSecrets(extra: readonly (string | undefined)[]): string[] {
  for (const h of tracked.handles) trackSecrets(h.registrationAccessToken, h.clientSecret);
  return [...extra, ...tracked.values].filter((s): s is string => typeof s === "string" && s.length >= 8);
}

/**
 * Awaits `promise`, which must reject with a DcrError of `code` whose message matches every
 * pattern in `words`, and none of whose text contains any of `secrets` or of the tracked ones
 * (see {@link trackSecrets}). Returns the error.
 */
export async function rejection(
  promise: Promise<unknown>,
  code: DcrErrorCode,
  words: RegExp[],
  secrets: readonly (string | undefined)[],
): Promise<DcrError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(
    caught instanceof DcrError,
    `expected a DcrError ${code}, got ${caught instanceof Error ? caught.stack : String(caught)}`,
  );
  assert.equal(caught.code, code, caught.message);
  for (const w of words) assert.match(caught.message, w);
  assert.deepEqual(
    leaks(exposedText(caught), allSecrets(secrets)),
    [],
    `a secret leaked into the ${code} error: ${caught.message}`,
  );
  return caught;
}

/** A scripted loopback HTTP server for answers the real IdPs cannot give (hostile, broken). */
export interface ScriptedServer {
  origin: string;
  /** Requests served, as "METHOD /path". */
  seen: string[];
  /** Authorization headers received. */
  authorizations: string[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 (or `host`, `port`) whose handler decides every answer. */
export async function startScripted(
  handler: (req: IncomingMessage, res: ServerResponse, body: string, origin: string) => void,
  host = "127.0.0.1",
  port = 0,
): Promise<ScriptedServer> {
  const seen: string[] = [];
  const authorizations: string[] = [];
  const holder: { origin: string } = { origin: "" };
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${(req.url ?? "/").split("?")[0]}`);
    if (req.headers.authorization !== undefined) authorizations.push(req.headers.authorization);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handler(req, res, Buffer.concat(chunks).toString("utf8"), holder.origin));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  holder.origin = `http://${host === "::1" ? "[::1]" : host}:${(server.address() as AddressInfo).port}`;
  return {
    origin: holder.origin,
    seen,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers `status` with `body` as JSON (or as given text with `contentType`). */
export function reply(res: ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
  res.statusCode = status;
  res.setHeader("content-type", contentType);
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

/**
 * Waits until `count()` reaches `expected` (a fixture logs a request it is still delaying only
 * when it answers or the client goes away), then returns the count; gives up after 60 s (a guard
 * against hanging, not a speed requirement).
 */
export async function settledCount(count: () => number, expected: number): Promise<number> {
  for (let waited = 0; count() < expected && waited < 60_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  return count();
}

/** Counts calls of the global fetch while `fn` runs (for "zero requests" on non-loopback hosts). */
export async function countingFetch<T>(
  fn: () => Promise<T>,
): Promise<{ calls: number; result: PromiseSettledResult<T> }> {
  const original = globalThis.fetch;
  let calls = 0;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    calls++;
    return original(...args);
  }) as typeof fetch;
  try {
    const [result] = await Promise.allSettled([fn()]);
    return { calls, result: result as PromiseSettledResult<T> };
  } finally {
    globalThis.fetch = original;
  }
}
