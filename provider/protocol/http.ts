/**
 * The one fetch wrapper of pulumi-dcr: per-attempt timeouts, bounded jittered retries for what
 * is idempotent, a cap on what is read of a body, no redirects, and the conversion of every
 * transport failure into a {@link DcrError}. Status codes the IdP answers with are returned to
 * the caller, which knows what they mean for its operation; {@link idpError} maps the rest.
 */
import { DEFAULTS } from "../defaults";
import { compact } from "../json";
import { DcrError, type DcrErrorCode } from "../errors";
import { displayUrl, excerpt, redactSecrets } from "./redact";
import { rejectedMembers } from "./rejection";
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
  const o = { ...HTTP_DEFAULTS, ...compact(opts) };
  const attempts = Math.max(0, Math.floor(o.retries)) + 1;
  const where = `${call.method} ${displayUrl(call.url)}`;
  let lost: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts;
    const signal = AbortSignal.timeout(o.timeoutMs);
    let answer: HttpAnswer;
    try {
      answer = await exchange(call, signal, o.maxBodyBytes);
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
async function exchange(call: HttpCall, signal: AbortSignal, maxBodyBytes: number): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (call.bearer !== undefined) headers.authorization = `Bearer ${call.bearer}`;
  if (call.json !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(call.url, {
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

/** True when the answer's media type is JSON (`application/json` or `*+json`). */
export function isJson(answer: HttpAnswer): boolean {
  return answer.contentType === "application/json" || answer.contentType.endsWith("+json");
}

/**
 * The body of a successful answer as a JSON object.
 * @throws DcrError ERR_IDP_RESPONSE for another content type, malformed JSON or a non-object.
 */
export function jsonObject(answer: HttpAnswer, call: HttpCall): Record<string, unknown> {
  const where = `${call.method} ${displayUrl(call.url)}`;
  if (!isJson(answer)) {
    throw fail(
      call,
      "ERR_IDP_RESPONSE",
      `${where} answered ${answer.status} with content-type "${answer.contentType}", expected application/json: ${excerpt(answer.text, secretsOf(call))}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch (e) {
    throw fail(
      call,
      "ERR_IDP_RESPONSE",
      `${where} answered ${answer.status} with malformed JSON: ${excerpt(answer.text, secretsOf(call))}`,
      e,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw fail(call, "ERR_IDP_RESPONSE", `${where} answered ${answer.status} with JSON that is not an object`);
  }
  return parsed as Record<string, unknown>;
}

/** The RFC 6749 §5.2 `error` and `error_description` of an error body, when it has them. */
export function oauthError(answer: HttpAnswer): { error?: string; description?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    return {};
  }
  const body = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const out: { error?: string; description?: string } = {};
  if (typeof body.error === "string") out.error = body.error;
  if (typeof body.error_description === "string") out.description = body.error_description;
  return out;
}

/** "400 invalid_client_metadata: jwks … " — the status and what the IdP said, redacted and truncated. */
export function describe(answer: HttpAnswer, call: HttpCall): string {
  const { error, description } = oauthError(answer);
  const said = error !== undefined ? [error, description].filter((s) => s !== undefined).join(": ") : answer.text;
  const detail = excerpt(said, secretsOf(call));
  return detail === "" ? `${answer.status}` : `${answer.status} ${detail}`;
}

/**
 * The error for an answer the caller has no specific meaning for: 400 → ERR_IDP_REJECTED with
 * `idpError`; other 4xx → ERR_IDP_REJECTED; 3xx (not followed) and anything else → ERR_IDP_RESPONSE.
 * `doing` says what was attempted ("updating client x"); `advice` is appended.
 */
export function idpError(answer: HttpAnswer, call: HttpCall, doing: string, advice = ""): DcrError {
  const { error } = oauthError(answer);
  const rejected = answer.status >= 400 && answer.status < 500;
  const code: DcrErrorCode = rejected ? "ERR_IDP_REJECTED" : "ERR_IDP_RESPONSE";
  const redirect =
    answer.status >= 300 && answer.status < 400
      ? " (redirects are not followed: they would carry the token elsewhere)"
      : "";
  const members = rejected && isObject(call.json) ? rejectedMembers(answer.text, Object.keys(call.json)) : [];
  const named =
    members.length === 0
      ? ""
      : `; the IdP refused ${members.length === 1 ? "member" : "members"} ${members.map((m) => `"${m}"`).join(", ")}`;
  const message = `${doing}: ${call.method} ${displayUrl(call.url)} answered ${describe(answer, call)}${named}${redirect}${advice === "" ? "" : `. ${advice}`}`;
  return fail(call, code, message, undefined, answer.status, error);
}

/** A DcrError whose message is scrubbed of every secret `call` knows about. */
export function fail(
  call: HttpCall,
  code: DcrErrorCode,
  message: string,
  cause?: unknown,
  status?: number,
  idpErr?: string,
): DcrError {
  const options: ConstructorParameters<typeof DcrError>[2] = {};
  if (cause !== undefined) options.cause = cause;
  if (status !== undefined) options.status = status;
  if (idpErr !== undefined) options.idpError = idpErr;
  return new DcrError(code, redactSecrets(message, secretsOf(call)), options);
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

function secretsOf(call: HttpCall): (string | undefined)[] {
  return [call.bearer, ...(call.secrets ?? [])];
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
