/**
 * Answers real servers give that a well-behaved RFC 7592 IdP would not, from scripted loopback
 * servers over real sockets: registration management with read but no update or delete (404),
 * at a registration_client_uri with a query string; a refused token answered 400 access_denied;
 * an expired JWT registration access token; a registration answer nested 10,000 deep.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { deleteClient, readClient, register, updateClient } from "../../provider/protocol/registration";
import type { ClientHandle } from "../../provider/protocol/types";
import { FAST, rejection, reply, startScripted, trackSecrets, type ScriptedServer } from "./protocol-support";

const RAT = "rat-real-0123456789-abcdef";
const NEW_RAT = "rat-real-renewed-0123456789";
const IAT = "iat-real-0123456789-abcdef";
const ADMIN = "admin-real-0123456789-abcdef";
trackSecrets(RAT, NEW_RAT, IAT, ADMIN);

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, origin: string) => void;

async function withIdp(handler: Handler, fn: (idp: ScriptedServer, targets: string[]) => Promise<void>): Promise<void> {
  const targets: string[] = [];
  const idp = await startScripted((req, res, body, origin) => {
    targets.push(`${req.method} ${req.url}`);
    handler(req, res, body, origin);
  });
  try {
    await fn(idp, targets);
  } finally {
    await idp.close();
  }
}

const handleAt = (origin: string, token = RAT): ClientHandle => ({
  clientId: "c1",
  registrationClientUri: `${origin}/connect/register?client_id=c1`,
  registrationAccessToken: token,
});

test("RFC 7592 read without update or delete (404), at a URI with a query: ERR_IDP_UNSUPPORTED after a confirming GET; nothing orphaned silently", async () => {
  await withIdp(
    (req, res, _body, origin) => {
      if (req.method === "POST") {
        reply(res, 201, {
          client_id: "c1",
          registration_access_token: RAT,
          registration_client_uri: `${origin}/connect/register?client_id=c1`,
        });
      } else if (req.method === "GET" && req.url === "/connect/register?client_id=c1") {
        reply(res, 200, { client_id: "c1", client_name: "bff" });
      } else reply(res, 404, "Not Found", "text/plain");
    },
    async (idp, targets) => {
      const { handle } = await register(`${idp.origin}/connect/register`, { client_name: "bff" }, IAT, FAST);
      assert.equal((await readClient(handle, FAST)).metadata.client_name, "bff");
      await rejection(
        updateClient(handle, { client_name: "x" }, "PUT", FAST),
        "ERR_IDP_UNSUPPORTED",
        [
          /answered 404 to PUT although a GET with the same token returns the client/,
          /does not support PUT/,
          /`jwksUri`/,
        ],
        [],
      );
      await rejection(
        updateClient(handle, { client_name: "x" }, "PATCH", FAST),
        "ERR_IDP_UNSUPPORTED",
        [/does not support PATCH/, /"updateMethod" to "PUT"/],
        [],
      );
      const e = await rejection(
        deleteClient(handle, FAST),
        "ERR_IDP_UNSUPPORTED",
        [/does not support delete/, /delete the client in the IdP admin, then `pulumi state delete <urn>`/],
        [],
      );
      assert.equal(e.status, 404);
      const uri = "/connect/register?client_id=c1";
      assert.deepEqual(targets, [
        "POST /connect/register",
        `GET ${uri}`,
        `GET ${uri}`,
        `PUT ${uri}`,
        `GET ${uri}`,
        `PATCH ${uri}`,
        `GET ${uri}`,
        `DELETE ${uri}`,
        `GET ${uri}`,
      ]);
    },
  );
});

test("a refused token answered 400 access_denied: renewed through the admin API and retried; without adminToken ERR_RAT_INVALID", async () => {
  const live = { token: RAT };
  await withIdp(
    (req, res, body) => {
      const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      if (req.method === "POST" && req.url === "/api/admin/dcr/clients/c1/tokens") {
        if (bearer !== ADMIN) return reply(res, 400, { error: "access_denied" });
        live.token = NEW_RAT;
        return reply(res, 201, { client_id: "c1", registration_access_token: NEW_RAT });
      }
      if (bearer !== live.token) return reply(res, 400, { error: "access_denied", error_description: "token revoked" });
      reply(res, 200, { client_id: "c1", ...(body === "" ? {} : (JSON.parse(body) as object)) });
    },
    async (idp, targets) => {
      live.token = "someone-else-0123456789";
      await rejection(
        readClient(handleAt(idp.origin), FAST),
        "ERR_RAT_INVALID",
        [/refused the registration access token \(400 access_denied: token revoked\)/, /dcr:adminToken/],
        [],
      );
      const handle = handleAt(idp.origin);
      live.token = "rotated-elsewhere-0123456789";
      const out = await updateClient(handle, { client_name: "new" }, "PATCH", { ...FAST, adminToken: ADMIN });
      assert.equal(out.metadata.client_name, "new");
      assert.equal(handle.registrationAccessToken, NEW_RAT);
      assert.deepEqual(targets.slice(1), [
        "PATCH /connect/register?client_id=c1",
        "POST /api/admin/dcr/clients/c1/tokens",
        "PATCH /connect/register?client_id=c1",
      ]);
    },
  );
});

test("a JWT registration access token refused after its exp: the message says when it expired", async () => {
  const exp = Math.floor(Date.parse("2027-01-15T08:00:00Z") / 1000);
  const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.c2lnbmF0dXJl`;
  trackSecrets(jwt);
  await withIdp(
    (_req, res) => reply(res, 400, { error: "invalid_token" }),
    async (idp) => {
      await rejection(
        readClient(handleAt(idp.origin, jwt), { ...FAST, now: new Date("2027-01-15T08:30:00Z") }),
        "ERR_RAT_INVALID",
        [/refused the registration access token \(400 invalid_token\): the token expired at 2027-01-15T08:00:00\.000Z/],
        [jwt],
      );
    },
  );
});

test("a registration answer nested 10,000 deep that still names the client: ERR_IDP_RESPONSE carrying the handle", async () => {
  await withIdp(
    (_req, res, _body, origin) => {
      const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
      const head = JSON.stringify({
        client_id: "c1",
        registration_access_token: RAT,
        registration_client_uri: `${origin}/reg/c1`,
      });
      reply(res, 201, `${head.slice(0, -1)},"x":${deep}}`);
    },
    async (idp) => {
      const e = await rejection(
        register(`${idp.origin}/reg`, { client_name: "bff" }, IAT, FAST),
        "ERR_IDP_RESPONSE",
        [/nested deeper than 64 levels/, /the client is kept in state/],
        [],
      );
      assert.deepEqual(e.handle, {
        clientId: "c1",
        registrationClientUri: `${idp.origin}/reg/c1`,
        registrationAccessToken: RAT,
      });
      assert.equal(JSON.stringify(e).includes(RAT), false);
    },
  );
});
