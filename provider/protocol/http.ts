/**
 * The one fetch wrapper of pulumi-dcr: per-attempt timeouts, bounded jittered retries for what
 * is idempotent, a cap on what is read of a body, no redirects, and the conversion of every
 * transport failure into a {@link DcrError}. Status codes the IdP answers with are returned to
 * the caller, whose processor (pure, see processors in this folder) knows what they mean. The only
 * place that calls `fetch` for the IdP; `RequestOptions.fetch` replaces it (tests, proxies).
 */
import { DEFAULTS } from "../defaults";
import { compact } from "../json";
import type { DcrError } from "../errors";
import { describe, fail } from "./answer";
import { displayUrl } from "./redact";
import type { RequestOptions } from "./types";

/** One request to the IdP. */
export interface HttpCall {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: URL;
  /** Sent as `Authorization: Bearer …`; always redacted from messages. */
  bearer?: string;
  /** Sent as JSON. */
  json?: unknown;
  /**
   * `idempotent`: retried on network errors, timeouts, 429 and 5xx. `unsafe`: retried only when
   * the connection was refused (nothing sent); any later failure is ERR_OUTCOME_UNKNOWN.
   */
  retry: "idempotent" | "unsafe";
  /** Other secret strings to keep out of messages (tokens the IdP might echo). */
  secrets?: readonly (string | undefined)[];
  /** Appended to ERR_OUTCOME_UNKNOWN messages: what the caller should do about the uncertainty. */
  advice?: string;
}

/** What the IdP answered, body read (at most `maxBodyBytes`). */
export interface HttpAnswer {
  status: number;
  /** The media type, lower case, without parameters ("" when absent). */
  contentType: string;
  text: string;
  headers: Headers;
  /**
   * Set when an EARLIER attempt of this request got no usable answer after it may have reached
   * the IdP (connection cut, timeout, 5xx): what happened to it. The IdP may have applied that
   * attempt — e.g. rotated the registration access token — so a later 401 means something else.
   */
  earlierAttemptLost?: string;
}

const HTTP_DEFAULTS = {
  timeoutMs: DEFAULTS.timeoutSeconds * 1000,
  retries: DEFAULTS.retries,
  retryBaseMs: DEFAULTS.retryBaseMs,
  maxRetryAfterMs: DEFAULTS.maxRetryAfterMs,
  maxBodyBytes: DEFAULTS.maxBodyBytes,
};
const MAX_BACKOFF_MS = 10_000;

/** The body was larger than allowed; raised while reading. */
class BodyTooLarge extends Error {}

/** Sends `call`, retrying per its policy; returns the final answer for any status other than 429/5xx. */
export async function send(call: HttpCall, opts: RequestOptions = {}): Promise<HttpAnswer> {
  const { fetch: fetchImpl = globalThis.fetch, now: _now, ...rest } = opts;
  const o = { ...HTTP_DEFAULTS, ...compact(rest) };
  const attempts = Math.max(0, Math.floor(o.retries)) + 1;
  const where = `${call.method} ${displayUrl(call.url)}`;
  let lost: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts;
    const signal = AbortSignal.timeout(o.timeoutMs);
    let answer: HttpAnswer;
    try {
      answer = await exchange(call, signal, o.maxBodyBytes, fetchImpl);
    } catch (e) {
      const timedOut = signal.aborted;
      const what =
        e instanceof BodyTooLarge
          ? `answered with a body over ${o.maxBodyBytes} bytes`
          : timedOut
            ? `did not answer within ${o.timeoutMs} ms`
            : `failed: ${networkReason(e)}`;
      if (e instanceof BodyTooLarge && call.retry === "idempotent")
        throw fail(call, "ERR_IDP_RESPONSE", `${where} ${what}`, e);
      const nothingSent = !timedOut && refused(e);
      if (call.retry === "unsafe" && !nothingSent) throw outcomeUnknown(call, `${where} ${what}`, e);
      if (last) throw fail(call, "ERR_IDP_UNAVAILABLE", `${where} ${what}${tries(attempt)}`, e);
      if (!nothingSent) lost = what;
      await pause(backoff(o.retryBaseMs, attempt), `${where} ${what}`, attempt, attempts, o.log);
      continue;
    }
    if (answer.status !== 429 && answer.status < 500)
      return lost === undefined ? answer : { ...answer, earlierAttemptLost: lost };
    const what = `answered ${describe(answer, call)}`;
    if (call.retry === "unsafe") throw outcomeUnknown(call, `${where} ${what}`, undefined, answer.status);
    if (last) throw fail(call, "ERR_IDP_UNAVAILABLE", `${where} ${what}${tries(attempt)}`, undefined, answer.status);
    if (answer.status >= 500) lost = what; // a gateway may answer 5xx after the IdP applied the request
    const wait = retryAfterMs(answer.headers.get("retry-after"), o.maxRetryAfterMs) ?? backoff(o.retryBaseMs, attempt);
    await pause(wait, `${where} ${what}`, attempt, attempts, o.log);
  }
}

/** One fetch, body read within the same timeout. */
async function exchange(
  call: HttpCall,
  signal: AbortSignal,
  maxBodyBytes: number,
  fetchImpl: typeof globalThis.fetch,
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (call.bearer !== undefined) headers.authorization = `Bearer ${call.bearer}`;
  if (call.json !== undefined) headers["content-type"] = "application/json";
  const res = await fetchImpl(call.url, {
    method: call.method,
    headers,
    body: call.json === undefined ? null : JSON.stringify(call.json),
    signal,
    redirect: "manual", // a redirect would carry the bearer token elsewhere: never followed
  });
  const text = await readCapped(res, maxBodyBytes);
  const contentType = (res.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return { status: res.status, contentType, text, headers: res.headers };
}

/** The body as text, reading at most `max` bytes (the rest is not downloaded). */
async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyTooLarge();
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function outcomeUnknown(call: HttpCall, what: string, cause?: unknown, status?: number): DcrError {
  const advice = call.advice === undefined ? "" : ` ${call.advice}`;
  return fail(
    call,
    "ERR_OUTCOME_UNKNOWN",
    `${what}; the request may have been applied at the IdP.${advice}`,
    cause,
    status,
  );
}

function tries(attempt: number): string {
  return attempt > 1 ? ` (gave up after ${attempt} attempts)` : "";
}

/** True when the connection was refused: the request cannot have reached the server. */
export function refused(e: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [e];
  while (queue.length > 0) {
    const cur = queue.shift();
    if (cur === null || typeof cur !== "object" || seen.has(cur)) continue;
    seen.add(cur);
    if ((cur as { code?: unknown }).code === "ECONNREFUSED") return true;
    queue.push((cur as { cause?: unknown }).cause);
    if (cur instanceof AggregateError) queue.push(...(cur.errors as unknown[]));
  }
  return false;
}

/** The innermost useful reason of a fetch failure ("ECONNRESET", "other side closed", …). */
function networkReason(e: unknown): string {
  let cur: unknown = e;
  let reason = e instanceof Error ? e.message : String(e);
  while (cur instanceof Error) {
    const code = (cur as { code?: unknown }).code;
    reason =
      typeof code === "string"
        ? `${code}${cur.message && !cur.message.includes(code) ? ` (${cur.message})` : ""}`
        : cur.message || reason;
    cur = cur.cause;
  }
  return reason;
}

/** `Retry-After` (delta-seconds or HTTP-date) in milliseconds, capped; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, capMs: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const value = header.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now();
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(0, ms), capMs);
}

/** Exponential backoff from `base`, capped, with jitter in [50 %, 100 %] of the step. */
function backoff(base: number, attempt: number): number {
  const step = Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

async function pause(
  ms: number,
  what: string,
  attempt: number,
  attempts: number,
  log?: (m: string) => void,
): Promise<void> {
  log?.(`${what}; retrying in ${ms} ms (attempt ${attempt + 1} of ${attempts})`);
  await new Promise((resolve) => setTimeout(resolve, ms));
}
