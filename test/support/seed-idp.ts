/**
 * A seed-style IdP on 127.0.0.1: the IdP the old container-start bootstrap helper talked to.
 *
 *   GET    /.well-known/openid-configuration          {issuer, registration_endpoint}
 *   POST   /api/oidc/register                         Bearer IAT; honours client_id and profile → 201
 *   GET    /api/oidc/register/{id}                    Bearer RAT → 200 record
 *   PATCH  /api/oidc/register/{id}                    Bearer RAT → partial update, 200 record
 *   PUT    /api/oidc/register/{id}                    405 unsupported_method
 *   DELETE /api/oidc/register/{id}                    Bearer RAT → 204
 *   (with `queryClientUri`, the client's URI is /api/oidc/register?client_id={id} instead)
 *   POST   /api/admin/dcr/initial-access-tokens       Bearer admin → 201 {initial_access_token, expires_at}
 *   POST   /api/admin/dcr/clients/{id}/tokens         Bearer admin → 201 {client_id, registration_access_token}
 *
 * Errors are JSON `{error, error_description}`. Tests steer it in process: inject failures
 * (`failNext`), slow it down (`setDelay`), kill RATs, advance its clock (`advanceClock`), and read
 * or change records out of band. Options bend it the way some real servers bend RFC 7591/7592
 * (`refusedTokenAs400`, `readOnlyManagement`, `jwtRatTtlSeconds`, `queryClientUri`,
 * `refuseInlineJwks`, `hostileRegistration`, `chooseClientId`): test/integration/seed-switches.test.ts
 * shows each with plain fetch.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { startLoggedServer, type RequestLog } from "./request-log";
import {
  hostileRegistration,
  noWriteRoute,
  refusedAs,
  type HostileRegistration,
  type RefusedTokenError,
} from "./seed-idp-bends";
import { jwtRatIssuer } from "./seed-idp-jwt";
import { BodyError, bearer, readJsonObject } from "./seed-idp-http";
import { errorReply, invalidToken, newToken, SeedStore, type Reply } from "./seed-idp-store";
import { normalise } from "./seed-normalise";

export interface SeedIdpOptions {
  /** PATCH answers with a new registration_access_token and the old one dies. Defaults to false. */
  rotateRatOnUpdate?: boolean;
  /** Status for a well-formed request about a client id the IdP does not know. Defaults to 404. */
  unknownClientStatus?: 401 | 404;
  /** How many registrations one IAT allows. Defaults to unlimited. */
  iatUses?: number;
  /**
   * Store metadata as Keycloak does (seed-normalise.ts): substitute `response_types`, drop
   * `contacts`, sort sets, refuse unknown members. Defaults to false (stored as sent).
   */
  normalise?: boolean;
  /**
   * The host the fixture names itself by in URLs it hands out (issuer, registration endpoint,
   * registration_client_uri), e.g. `[::ffff:127.0.0.1]`: an address that reaches this loopback
   * server but that the URL gate does not count as loopback, to exercise plain http towards a
   * "remote" IdP without leaving the machine. Defaults to 127.0.0.1.
   */
  host?: string;
  /**
   * A refused Initial or Registration Access Token is answered 400 with this `error` (and no
   * WWW-Authenticate) instead of 401 invalid_token. Defaults to 401.
   */
  refusedTokenAs400?: RefusedTokenError;
  /**
   * RFC 7592 read only: PUT, PATCH and DELETE on a client's URI answer this status (404: no such
   * route; 405 with `Allow: GET`) before any token check, while GET works. Defaults to off.
   */
  readOnlyManagement?: 404 | 405;
  /**
   * RATs are JWTs (HS256 with a fixture key) with `exp` = issue time + this many seconds on the
   * fixture's clock (`advanceClock`); an expired RAT is refused (401 invalid_token). Nothing renews
   * it but the admin API. Defaults to opaque RATs that never expire.
   */
  jwtRatTtlSeconds?: number;
  /**
   * `registration_client_uri` is `<registration endpoint>?client_id=<id>`, and GET/PATCH/DELETE are
   * served there only (`…/register/<id>` is 404). Defaults to false.
   */
  queryClientUri?: boolean;
  /** Register and PATCH carrying `jwks` → 400 invalid_client_metadata; `jwks_uri` is accepted. Defaults to false. */
  refuseInlineJwks?: boolean;
  /**
   * A registration is carried out (the client exists, with its RAT) and its 201 answer broken:
   * `not-json` = a JSON body cut off (the RAT inside), `deep` = a valid answer plus a member
   * nested 10,000 deep. Defaults to off.
   */
  hostileRegistration?: HostileRegistration;
  /** The client_id the IdP chooses when the request names none (tried again while taken). Defaults to `client-<16 hex>`. */
  chooseClientId?: () => string;
}

export interface FailRule {
  status: number;
  /** How many matching requests fail. Defaults to 1. */
  count?: number;
  method?: string;
  pathPrefix?: string;
  retryAfter?: string;
  /** Response body; defaults to a JSON `{error, error_description}` for the status. */
  body?: string;
  /** Defaults to application/json. */
  contentType?: string;
}

/** One POST to the registration endpoint that reached the IdP: the client_id asked for, and the answer. */
export interface RegistrationAttempt {
  clientId?: string;
  status: number;
}

export interface SeedIdp {
  baseUrl: string;
  registrationEndpoint: string;
  initialAccessToken: string;
  adminToken: string;
  requests: RequestLog;
  /** Every registration the IdP processed, in order (injected failures are not processed). */
  registrations: readonly RegistrationAttempt[];
  /** The next matching request(s) get this status (+ Retry-After, body) instead of being processed. */
  failNext(rule: FailRule): void;
  /** Delays every response by `ms` (0 = off). The request takes effect first; only the answer is late. */
  setDelay(ms: number): void;
  /** Answers still held back by the delay (close() ends them). */
  pendingDelays(): number;
  /** The client's current RAT stops working (401 invalid_token). */
  expireRat(clientId: string): void;
  revokeRat(clientId: string): void;
  currentRat(clientId: string): string | undefined;
  /** When the client's current RAT expires on the fixture's clock (JWT RATs only). */
  ratExpiresAt(clientId: string): Date | undefined;
  /** Moves the fixture's clock (token expiry, issue times) `seconds` ahead of the real one, cumulatively. */
  advanceClock(seconds: number): void;
  /** The fixture's current time. */
  now(): Date;
  getClient(clientId: string): Record<string, unknown> | undefined;
  mutateClient(clientId: string, mutate: (record: Record<string, unknown>) => void): void;
  deleteClient(clientId: string): void;
  clientIds(): string[];
  close(): Promise<void>;
}

const REGISTER_PATH = "/api/oidc/register";
const ADMIN_IAT_PATH = "/api/admin/dcr/initial-access-tokens";
const ADMIN_CLIENT_TOKENS = /^\/api\/admin\/dcr\/clients\/([^/]+)\/tokens$/;

const DEFAULT_ERRORS: Record<number, string> = {
  400: "invalid_request",
  401: "invalid_token",
  403: "access_denied",
  404: "not_found",
  429: "slow_down",
  500: "server_error",
  502: "bad_gateway",
  503: "temporarily_unavailable",
  504: "gateway_timeout",
};

function notFound(): Reply {
  return errorReply(404, "not_found", "no such endpoint");
}

export async function startSeedIdp(options: SeedIdpOptions = {}): Promise<SeedIdp> {
  const rotateRatOnUpdate = options.rotateRatOnUpdate ?? false;
  const unknownClientStatus = options.unknownClientStatus ?? 404;
  const adminToken = newToken();
  const rules: (FailRule & { count: number })[] = [];
  const registrations: RegistrationAttempt[] = [];
  const sleeping = new Set<() => void>();
  let delayMs = 0;
  let closing = false;

  const respond = (res: ServerResponse, reply: Reply): void => {
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.setHeader("cache-control", "no-store");
    if (reply.text !== undefined) {
      res.end(reply.text);
    } else if (reply.body !== undefined) {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(reply.body));
    } else {
      res.end();
    }
  };

  /** Waits `ms` unless the fixture closes first (then resolves early). */
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleeping.add(wake);
    });

  /** The first live rule matching the request, consumed by one use. */
  const takeFailure = (method: string, path: string): FailRule | undefined => {
    const index = rules.findIndex(
      (r) =>
        (r.method === undefined || r.method.toUpperCase() === method) &&
        (r.pathPrefix === undefined || path.startsWith(r.pathPrefix)),
    );
    const rule = rules[index];
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count <= 0) rules.splice(index, 1);
    return rule;
  };

  /** GET, PATCH, PUT or DELETE on the client's registration_client_uri. */
  const manage = async (req: IncomingMessage, method: string, clientId: string): Promise<Reply> => {
    if (options.readOnlyManagement !== undefined && ["PUT", "PATCH", "DELETE"].includes(method))
      return noWriteRoute(method, options.readOnlyManagement);
    if (method === "PUT") {
      return {
        ...errorReply(405, "unsupported_method", "PUT is not supported; update with PATCH"),
        headers: { allow: "GET, PATCH, DELETE" },
      };
    }
    if (!["GET", "PATCH", "DELETE"].includes(method))
      return errorReply(405, "unsupported_method", `${method} is not supported`);
    const denied = store.authorize(clientId, bearer(req), unknownClientStatus);
    if (denied) return refusedAs(denied, options.refusedTokenAs400);
    if (method === "GET") return { status: 200, body: store.view(clientId) };
    if (method === "DELETE") {
      store.delete(clientId);
      return { status: 204 };
    }
    return store.patch(clientId, await readJsonObject(req), rotateRatOnUpdate);
  };

  const route = async (req: IncomingMessage, method: string, path: string, query: URLSearchParams): Promise<Reply> => {
    // `store`, `baseUrl` and `registrationEndpoint` are declared below, once the port is known;
    // no request can arrive before that.
    if (path === "/.well-known/openid-configuration") {
      if (method !== "GET") return errorReply(405, "unsupported_method", `${method} is not supported here`);
      return { status: 200, body: { issuer: baseUrl, registration_endpoint: registrationEndpoint } };
    }
    const queried = query.get("client_id");
    if (path === REGISTER_PATH && options.queryClientUri === true && queried !== null && method !== "POST")
      return manage(req, method, queried);
    if (path === REGISTER_PATH) {
      if (method !== "POST")
        return errorReply(
          405,
          "unsupported_method",
          `${method} is not supported on the registration endpoint; use POST`,
        );
      const body = await readJsonObject(req);
      const reply = store.register(bearer(req), body);
      registrations.push({
        ...(typeof body.client_id === "string" ? { clientId: body.client_id } : {}),
        status: reply.status,
      });
      return hostileRegistration(refusedAs(reply, options.refusedTokenAs400), options.hostileRegistration);
    }
    if (path.startsWith(`${REGISTER_PATH}/`) && options.queryClientUri !== true)
      return manage(req, method, decodeURIComponent(path.slice(REGISTER_PATH.length + 1)));
    if (path === ADMIN_IAT_PATH || ADMIN_CLIENT_TOKENS.test(path)) {
      if (method !== "POST") return errorReply(405, "unsupported_method", `${method} is not supported; use POST`);
      if (bearer(req) !== adminToken) return invalidToken("admin token is missing or invalid");
      if (path === ADMIN_IAT_PATH) {
        const body = await readJsonObject(req);
        const uses = typeof body.uses === "number" ? body.uses : undefined;
        const expiresIn = typeof body.expires_in === "number" ? body.expires_in : undefined;
        const iat = store.mintIat(uses, expiresIn);
        const expiresAt = iat.expiresAt === undefined ? null : Math.floor(iat.expiresAt / 1000);
        return { status: 201, body: { initial_access_token: iat.token, expires_at: expiresAt } };
      }
      const clientId = decodeURIComponent((ADMIN_CLIENT_TOKENS.exec(path) as RegExpExecArray)[1] as string);
      if (!store.get(clientId)) return errorReply(404, "not_found", "no client with this client_id");
      return { status: 201, body: { client_id: clientId, registration_access_token: store.renewRat(clientId) } };
    }
    return notFound();
  };

  /** The answer for a request an injected failure intercepts; its body is not read. */
  const injected = (req: IncomingMessage, failure: FailRule): Reply => {
    req.resume();
    const headers: Record<string, string> = { "content-type": failure.contentType ?? "application/json" };
    if (failure.retryAfter !== undefined) headers["retry-after"] = failure.retryAfter;
    const error = DEFAULT_ERRORS[failure.status] ?? "server_error";
    const text = failure.body ?? JSON.stringify({ error, error_description: `injected ${failure.status} failure` });
    return { status: failure.status, headers, text };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    const [path = "/", query = ""] = (req.url ?? "/").split("?", 2);
    const failure = takeFailure(method, path);
    let reply: Reply;
    try {
      reply = failure ? injected(req, failure) : await route(req, method, path, new URLSearchParams(query));
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      reply = err.reply;
    }
    res.statusCode = reply.status; // so a request abandoned during the delay is logged with its status
    if (delayMs > 0) await sleep(delayMs);
    if (closing) return void res.destroy();
    respond(res, reply);
  };

  const server = await startLoggedServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        respond(res, errorReply(500, "server_error", err instanceof Error ? err.message : String(err)));
      else res.destroy();
    });
  });
  const baseUrl = `http://${options.host ?? "127.0.0.1"}:${server.port}`;
  const registrationEndpoint = `${baseUrl}${REGISTER_PATH}`;
  const store = new SeedStore({
    registrationEndpoint,
    defaultIatUses: options.iatUses ?? Number.POSITIVE_INFINITY,
    ...(options.normalise === true ? { normalise } : {}),
    ...(options.jwtRatTtlSeconds !== undefined ? { issueRat: jwtRatIssuer(baseUrl, options.jwtRatTtlSeconds) } : {}),
    ...(options.queryClientUri === true ? { queryClientUri: true } : {}),
    ...(options.refuseInlineJwks === true ? { refuseInlineJwks: true } : {}),
    ...(options.chooseClientId !== undefined ? { chooseClientId: options.chooseClientId } : {}),
  });
  const initialAccessToken = store.mintIat().token;

  return {
    baseUrl,
    registrationEndpoint,
    initialAccessToken,
    adminToken,
    requests: server.requests,
    registrations,
    failNext(rule) {
      rules.push({ ...rule, count: rule.count ?? 1 });
    },
    setDelay(ms) {
      delayMs = Math.max(0, ms);
    },
    pendingDelays: () => sleeping.size,
    expireRat: (clientId) => store.killRat(clientId),
    revokeRat: (clientId) => store.killRat(clientId),
    currentRat: (clientId) => store.currentRat(clientId),
    ratExpiresAt(clientId) {
      const at = store.ratExpiresAt(clientId);
      return at === undefined ? undefined : new Date(at);
    },
    advanceClock: (seconds) => store.advance(seconds),
    now: () => new Date(store.now()),
    getClient(clientId) {
      const record = store.get(clientId);
      return record === undefined ? undefined : structuredClone(record);
    },
    mutateClient(clientId, mutate) {
      const record = store.get(clientId);
      if (record === undefined) throw new Error(`mutateClient: no client ${clientId}`);
      const copy = structuredClone(record);
      mutate(copy);
      store.set(clientId, copy);
    },
    deleteClient: (clientId) => store.delete(clientId),
    clientIds: () => store.ids(),
    async close() {
      closing = true;
      for (const wake of [...sleeping]) wake();
      await server.close();
    },
  };
}
