/**
 * Answers of servers that bend RFC 7591/7592, for the seed-style fixture's switches (seed-idp.ts):
 * a refused token answered 400 instead of 401, management that reads but neither updates nor
 * deletes, and registration answers that are broken or hostile. Each turns the answer the fixture
 * would give into the bent one; the request itself has taken effect as usual.
 */
import { errorReply, type Reply } from "./seed-idp-store";

/** The `error` of a 400 some servers answer a refused bearer token with. */
export type RefusedTokenError = "access_denied" | "invalid_token";

/** How a registration answer is broken (`hostileRegistration`). */
export type HostileRegistration = "not-json" | "deep";

/** How deep the `deep` answer's extra member is nested. */
export const HOSTILE_DEPTH = 10_000;

/** `reply` as a server answers a refused token: a 401 becomes 400 `{error}`, without WWW-Authenticate. */
export function refusedAs(reply: Reply, error: RefusedTokenError | undefined): Reply {
  if (error === undefined || reply.status !== 401) return reply;
  return errorReply(400, error, String(reply.body?.error_description ?? "the token was refused"));
}

/** What a server that implements only RFC 7592 read answers to PUT, PATCH and DELETE: no such route. */
export function noWriteRoute(method: string, status: 404 | 405): Reply {
  if (status === 404) return errorReply(404, "not_found", "no such endpoint");
  return {
    ...errorReply(405, "unsupported_method", `${method} is not supported; clients can only be read`),
    headers: { allow: "GET" },
  };
}

/**
 * A successful registration answer, broken: `not-json` writes the answer as a Python-style dict
 * (single quotes: not JSON, and not the `"member": value` shape a redactor looks for), its RAT
 * near the start; `deep` adds a member nested {@link HOSTILE_DEPTH} levels deep to an otherwise
 * valid answer. Both keep content-type application/json. Other answers pass as they are.
 */
export function hostileRegistration(reply: Reply, mode: HostileRegistration | undefined): Reply {
  if (mode === undefined || reply.status !== 201 || reply.body === undefined) return reply;
  const headers = { ...reply.headers, "content-type": "application/json" };
  if (mode === "not-json") {
    const { client_id, registration_access_token, ...rest } = reply.body;
    const fields = Object.entries({ client_id, registration_access_token, ...rest });
    const text = `{${fields.map(([name, value]) => `'${name}': ${JSON.stringify(value).replace(/"/g, "'")}`).join(", ")}}`;
    return { status: 201, headers, text };
  }
  const json = JSON.stringify(reply.body);
  const deep = `${'{"a":'.repeat(HOSTILE_DEPTH)}0${"}".repeat(HOSTILE_DEPTH)}`;
  return { status: 201, headers, text: `${json.slice(0, -1)},"x_extensions":${deep}}` };
}
