/**
 * Reading an IdP's answer: its JSON body (bounded in depth and size, never quoted when the answer
 * is a success, which carries credentials by definition), its RFC 6749 error, a one-line
 * description of it for messages, and the generic error for an answer no caller has a meaning for.
 * Pure: nothing here sends a request.
 */
import { DcrError, type DcrErrorCode } from "../errors";
import { JSON_BOUNDS, jsonBoundsProblem } from "../json";
import { printable } from "../text";
import type { HttpAnswer, HttpCall } from "./http";
import { displayUrl, excerpt, redactSecrets } from "./redact";
import { rejectedMembers } from "./rejection";

/** True when the answer's media type is JSON (`application/json` or `*+json`). */
export function isJson(answer: HttpAnswer): boolean {
  return answer.contentType === "application/json" || answer.contentType.endsWith("+json");
}

/** True for a 2xx answer: its body carries tokens and secrets, so it is described, never quoted. */
export function isSuccess(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** What {@link readJson} found: the value, or why it cannot be used (and the value when parsing worked). */
export type JsonReading = { value: Record<string, unknown> } | { problem: string; value?: unknown };

/**
 * The body as a JSON object within {@link JSON_BOUNDS}, or the problem in words ("answered 201
 * with malformed JSON (…)"). A 2xx body is described (size, content type, where parsing failed),
 * never quoted; another body is quoted as a redacted, truncated excerpt.
 */
export function readJson(answer: HttpAnswer, call: HttpCall): JsonReading {
  const said = `answered ${answer.status}`;
  const bytes = Buffer.byteLength(answer.text, "utf8");
  const type = printable(answer.contentType);
  const body = isSuccess(answer)
    ? `; the body (${bytes} bytes) is not quoted: a successful answer may carry credentials`
    : `: ${excerpt(answer.text, secretsOf(call))}`;
  if (!isJson(answer)) {
    const declared = type === "" ? "without a content-type" : `with content-type "${type}"`;
    return { problem: `${said} ${declared}, expected application/json${body}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch (e) {
    const at = /position (\d+)/.exec(e instanceof Error ? e.message : "")?.[1];
    const where = at === undefined ? "" : `; parsing failed at position ${at}`;
    return isSuccess(answer)
      ? { problem: `${said} with malformed JSON (${bytes} bytes of ${type}${where}); the body is not quoted` }
      : { problem: `${said} with malformed JSON${body}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { problem: `${said} with JSON that is not an object` };
  }
  const excess = jsonBoundsProblem(parsed, JSON_BOUNDS);
  if (excess !== undefined) return { problem: `${said} with JSON that ${excess} (${bytes} bytes)`, value: parsed };
  return { value: parsed as Record<string, unknown> };
}

/**
 * The body of an answer as a JSON object (see {@link readJson}).
 * @throws DcrError ERR_IDP_RESPONSE for another content type, malformed or oversized JSON, a non-object.
 */
export function jsonObject(answer: HttpAnswer, call: HttpCall): Record<string, unknown> {
  const reading = readJson(answer, call);
  if ("problem" in reading)
    throw fail(call, "ERR_IDP_RESPONSE", `${call.method} ${displayUrl(call.url)} ${reading.problem}`);
  return reading.value;
}

/** The RFC 6749 §5.2 `error` and `error_description` of an error body, when it has them (as sent). */
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

/**
 * "400 invalid_client_metadata: jwks …" — the status and what the IdP said, redacted, truncated
 * and printable. A 2xx body is never quoted (it carries credentials).
 */
export function describe(answer: HttpAnswer, call: HttpCall): string {
  if (isSuccess(answer)) return `${answer.status}`;
  const { error, description } = oauthError(answer);
  const said = error !== undefined ? [error, description].filter((s) => s !== undefined).join(": ") : answer.text;
  const detail = excerpt(said, secretsOf(call));
  return detail === "" ? `${answer.status}` : `${answer.status} ${detail}`;
}

/** What to do when the IdP refused an inline `jwks`. */
export const JWKS_URI_ADVICE =
  'the IdP does not take an inline jwks: use `jwksUri` mode instead (set "jwksUri" to a URL where the ' +
  "application serves the `jwks` output; rotations then need no update at the IdP)";

/**
 * The error for an answer the caller has no specific meaning for: 4xx → ERR_IDP_REJECTED with
 * `idpError` and the members the IdP named (an inline jwks refused → the `jwksUri` advice); 429
 * and 5xx (seen only when the sender gave up) → ERR_IDP_UNAVAILABLE; 3xx (not followed) and
 * anything else → ERR_IDP_RESPONSE. `doing` says what was attempted; `advice` is appended.
 */
export function idpError(answer: HttpAnswer, call: HttpCall, doing: string, advice = ""): DcrError {
  const { error } = oauthError(answer);
  const { status } = answer;
  const failing = status === 429 || status >= 500;
  const rejected = status >= 400 && status < 500 && !failing;
  const code: DcrErrorCode = failing ? "ERR_IDP_UNAVAILABLE" : rejected ? "ERR_IDP_REJECTED" : "ERR_IDP_RESPONSE";
  const redirect =
    status >= 300 && status < 400 ? " (redirects are not followed: they would carry the token elsewhere)" : "";
  const members = rejected && isObject(call.json) ? rejectedMembers(answer.text, Object.keys(call.json)) : [];
  const named =
    members.length === 0
      ? ""
      : `; the IdP refused ${members.length === 1 ? "member" : "members"} ${members.map((m) => `"${printable(m)}"`).join(", ")}`;
  const jwks = rejected && status === 400 && members.includes("jwks") ? `; ${JWKS_URI_ADVICE}` : "";
  const later = failing ? "; the IdP is failing or overloaded: run again later" : "";
  const tail = [jwks, later, redirect].join("");
  const message = `${doing}: ${call.method} ${displayUrl(call.url)} answered ${describe(answer, call)}${named}${tail}${advice === "" ? "" : `. ${advice}`}`;
  return fail(call, code, message, undefined, status, error);
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

/** The secrets in flight with `call`: its bearer and whatever else it names. */
export function secretsOf(call: HttpCall): (string | undefined)[] {
  return [call.bearer, ...(call.secrets ?? [])];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
