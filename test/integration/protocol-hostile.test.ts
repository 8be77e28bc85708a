/**
 * Answers no well-behaved IdP gives, from scripted loopback servers: tokens pointed at another
 * origin, another client's id, private keys, huge bodies, redirects, resets, refused
 * connections, missing credentials after a registration — and the redaction rules themselves.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  deleteClient,
  discoverRegistrationEndpoint,
  readClient,
  register,
  updateClient,
} from "../../provider/protocol/registration";
import { excerpt, redactPatterns } from "../../provider/protocol/redact";
import type { ClientHandle } from "../../provider/protocol/types";
import { FAST, rejection, reply, startScripted, trackSecrets, type ScriptedServer } from "./protocol-support";

const RAT = "rat-0123456789-abcdefghij";
const IAT = "iat-0123456789-abcdefghij";
trackSecrets(RAT, IAT);

async function withServers(
  handler: (req: IncomingMessage, res: ServerResponse, body: string, ctx: { origin: string; evil: string }) => void,
  fn: (idp: ScriptedServer, evil: ScriptedServer) => Promise<void>,
): Promise<void> {
  const evil = await startScripted((_req, res) => reply(res, 200, {}), "localhost");
  const idp = await startScripted((req, res, body, origin) => handler(req, res, body, { origin, evil: evil.origin }));
  try {
    await fn(idp, evil);
  } finally {
    await Promise.all([idp.close(), evil.close()]);
  }
}

const handleAt = (idp: ScriptedServer): ClientHandle => ({
  clientId: "c1",
  registrationClientUri: `${idp.origin}/reg/c1`,
  registrationAccessToken: RAT,
});

test("register: a registration_client_uri on another origin → ERR_IDP_RESPONSE naming the client; the RAT never goes there", async () => {
  await withServers(
    (_req, res, _body, { evil }) =>
      reply(res, 201, { client_id: "c1", registration_access_token: RAT, registration_client_uri: `${evil}/reg/c1` }),
    async (idp, evil) => {
      await rejection(
        register(`${idp.origin}/reg`, { client_name: "n" }, IAT, FAST),
        "ERR_IDP_RESPONSE",
        [/registered client c1/, /another origin/, /`adopt`/],
        [RAT, IAT],
      );
      assert.deepEqual(idp.seen, ["POST /reg"]);
      assert.deepEqual(evil.seen, []);
    },
  );
});

test("register: 201 without RAT or client URI → ERR_IDP_RESPONSE 'cannot be managed'; without client_id → ERR_OUTCOME_UNKNOWN", async () => {
  const answers = [
    { client_id: "c1", registration_client_uri: "x" },
    { client_id: "c1", registration_access_token: RAT },
    { registration_access_token: RAT, registration_client_uri: "x" },
  ];
  await withServers(
    (_req, res) => reply(res, 201, answers.shift()),
    async (idp) => {
      const endpoint = `${idp.origin}/reg`;
      await rejection(
        register(endpoint, {}, IAT, FAST),
        "ERR_IDP_RESPONSE",
        [/registered client c1 but its answer has no registration_access_token/, /cannot be managed/],
        [IAT],
      );
      await rejection(
        register(endpoint, {}, IAT, FAST),
        "ERR_IDP_RESPONSE",
        [/no registration_client_uri/],
        [IAT, RAT],
      );
      await rejection(
        register(endpoint, { client_name: "n" }, IAT, FAST),
        "ERR_OUTCOME_UNKNOWN",
        [/without a client_id/, /client_name "n"/],
        [IAT, RAT],
      );
    },
  );
});

test("read: a new RAT and client secret in the answer (rotation on read) are taken, and used by the next request", async () => {
  let n = 0;
  await withServers(
    (_req, res, _body, { origin }) => {
      n++;
      reply(res, 200, {
        client_id: "c1",
        client_name: "x",
        registration_access_token: `rat-${n}-rotated-0123456789`,
        client_secret: `secret-${n}-0123456789`,
        client_secret_expires_at: 0,
        registration_client_uri: `${origin}/reg/c1`,
      });
    },
    async (idp) => {
      const handle = handleAt(idp);
      const record = await readClient(handle, FAST);
      assert.equal(handle.registrationAccessToken, "rat-1-rotated-0123456789");
      assert.equal(handle.clientSecret, "secret-1-0123456789");
      assert.equal(record.clientSecretExpiresAt, 0);
      assert.deepEqual(Object.keys(record.metadata).sort(), ["client_id", "client_name", "client_secret_expires_at"]);
      await readClient(handle, FAST);
      assert.deepEqual(idp.authorizations, [`Bearer ${RAT}`, "Bearer rat-1-rotated-0123456789"]);
    },
  );
});

test("read: hostile or malformed answers — foreign client URI, another client_id, private key members, bad shapes — are refused; a rotated RAT is still kept", async () => {
  const answers: Record<string, unknown>[] = [];
  await withServers(
    (_req, res) => reply(res, 200, answers.shift()),
    async (idp, evil) => {
      const handle = handleAt(idp);
      answers.push({
        client_id: "c1",
        registration_access_token: "rat-new-0123456789",
        registration_client_uri: `${evil.origin}/reg/c1`,
      });
      await rejection(
        readClient(handle, FAST),
        "ERR_IDP_RESPONSE",
        [/registration_client_uri .* another origin/, /refusing to send the registration access token/],
        [RAT, "rat-new-0123456789"],
      );
      assert.equal(handle.registrationClientUri, `${idp.origin}/reg/c1`, "the foreign URI was not taken");
      assert.equal(handle.registrationAccessToken, "rat-new-0123456789", "the rotated RAT was kept");

      answers.push({ client_id: "someone-else", registration_access_token: "stolen-0123456789" });
      await rejection(
        readClient(handle, FAST),
        "ERR_IDP_RESPONSE",
        [/client_id "someone-else" instead of "c1"/],
        ["stolen-0123456789", "rat-new-0123456789"],
      );
      assert.equal(handle.registrationAccessToken, "rat-new-0123456789", "nothing taken from another client's answer");

      answers.push({
        client_id: "c1",
        registration_access_token: "rat-3-0123456789",
        jwks: { keys: [{ kty: "EC", crv: "P-256", x: "x", y: "y", d: "PRIVATE-D-VALUE" }] },
      });
      await rejection(
        updateClient(handle, { client_name: "n" }, "PATCH", FAST),
        "ERR_IDP_RESPONSE",
        [/private key material in jwks\.keys\[0\] \(members d\)/],
        ["PRIVATE-D-VALUE", "rat-3-0123456789"],
      );
      assert.equal(handle.registrationAccessToken, "rat-3-0123456789");

      answers.push({
        client_id: "c1",
        registration_access_token: "rat-4-0123456789",
        jwks: { keys: "not a list" },
        client_secret_expires_at: "soon",
      });
      await rejection(
        readClient(handle, FAST),
        "ERR_IDP_RESPONSE",
        [/malformed at "client_secret_expires_at"/],
        ["rat-4-0123456789"],
      );
      assert.equal(
        handle.registrationAccessToken,
        "rat-4-0123456789",
        "a rotated RAT survives a malformed rest of the answer",
      );
      assert.deepEqual(evil.seen, [], "no request ever went to the other origin");
    },
  );
});

test("bodies over maxBodyBytes (declared or streamed) → ERR_IDP_RESPONSE without downloading them; not retried", async () => {
  await withServers(
    (req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/declared") {
        res.setHeader("content-length", String(50 * 1024 * 1024));
        res.write("{");
        return;
      }
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    },
    async (idp) => {
      const declared: ClientHandle = { ...handleAt(idp), registrationClientUri: `${idp.origin}/declared` };
      await rejection(readClient(declared, FAST), "ERR_IDP_RESPONSE", [/body over 1048576 bytes/], [RAT]);
      await rejection(
        readClient(handleAt(idp), { ...FAST, maxBodyBytes: 100_000 }),
        "ERR_IDP_RESPONSE",
        [/body over 100000 bytes/],
        [RAT],
      );
      assert.deepEqual(idp.seen, ["GET /declared", "GET /reg/c1"]);
    },
  );
});

test("a redirect is not followed (it would carry the token elsewhere) → ERR_IDP_RESPONSE", async () => {
  await withServers(
    (_req, res, _body, { evil }) => {
      res.statusCode = 307;
      res.setHeader("location", `${evil}/reg/c1`);
      res.end();
    },
    async (idp, evil) => {
      await rejection(
        readClient(handleAt(idp), FAST),
        "ERR_IDP_RESPONSE",
        [/307/, /redirects are not followed/],
        [RAT],
      );
      assert.deepEqual(evil.seen, []);
    },
  );
});

test("connection reset after the request was sent: POST → ERR_OUTCOME_UNKNOWN after one request; GET retried then ERR_IDP_UNAVAILABLE", async () => {
  await withServers(
    (req) => req.socket.destroy(),
    async (idp) => {
      await rejection(
        register(`${idp.origin}/reg`, { client_name: "n" }, IAT, FAST),
        "ERR_OUTCOME_UNKNOWN",
        [/POST .*\/reg failed/, /may have been applied/, /client_name "n"/],
        [IAT],
      );
      assert.deepEqual(idp.seen, ["POST /reg"]);
      await rejection(
        readClient(handleAt(idp), { ...FAST, retries: 2 }),
        "ERR_IDP_UNAVAILABLE",
        [/GET .*\/reg\/c1 failed/, /3 attempts/],
        [RAT],
      );
      assert.equal(idp.seen.filter((s) => s === "GET /reg/c1").length, 3);
    },
  );
});

test("connection refused: the only failure a registration is retried on — the retry then reaches the IdP exactly once", async () => {
  const probe = await startScripted((_req, res) => reply(res, 200, {}));
  const port = Number(new URL(probe.origin).port);
  await probe.close();
  const endpoint = `http://127.0.0.1:${port}/reg`;

  const logged: string[] = [];
  await rejection(
    register(endpoint, {}, IAT, { ...FAST, retries: 2, log: (m) => logged.push(m) }),
    "ERR_IDP_UNAVAILABLE",
    [/ECONNREFUSED/, /3 attempts/],
    [IAT],
  );
  assert.equal(logged.length, 2, "two retries, nothing was ever sent");

  // Refused first; the IdP comes up on that port before the retry (≥ 100 ms later), which then succeeds.
  let starting: Promise<ScriptedServer> | undefined;
  const record = await register(endpoint, {}, IAT, {
    ...FAST,
    retries: 5,
    retryBaseMs: 200,
    log: () => {
      starting ??= startScripted(
        (_req, res) =>
          reply(res, 201, {
            client_id: "c9",
            registration_access_token: RAT,
            registration_client_uri: `${endpoint}/c9`,
          }),
        "127.0.0.1",
        port,
      );
    },
  });
  const idp = await (starting as Promise<ScriptedServer>);
  try {
    assert.equal(record.handle.clientId, "c9");
    assert.deepEqual(idp.seen, ["POST /reg"]);
  } finally {
    await idp.close();
  }
});

test("DELETE: 405 → ERR_IDP_UNSUPPORTED 'does not support delete'; 410 → \"gone\"; GET 410 → ERR_CLIENT_GONE", async () => {
  const statuses = [405, 410, 410];
  await withServers(
    (_req, res) => reply(res, statuses.shift() as number, { error: "x" }),
    async (idp) => {
      await rejection(deleteClient(handleAt(idp), FAST), "ERR_IDP_UNSUPPORTED", [/IdP does not support delete/], [RAT]);
      assert.equal(await deleteClient(handleAt(idp), FAST), "gone");
      await rejection(readClient(handleAt(idp), FAST), "ERR_CLIENT_GONE", [/410/], [RAT]);
    },
  );
});

test("discovery: no registration_endpoint → ERR_IDP_UNSUPPORTED (not cached); another issuer → ERR_IDP_RESPONSE", async () => {
  const documents: Record<string, unknown>[] = [];
  await withServers(
    (_req, res) => reply(res, 200, documents.shift()),
    async (idp) => {
      documents.push(
        { issuer: idp.origin },
        { issuer: "https://elsewhere.example.com" },
        { issuer: idp.origin, registration_endpoint: "http://idp.example.com/reg" },
      );
      await rejection(
        discoverRegistrationEndpoint(idp.origin, FAST),
        "ERR_IDP_UNSUPPORTED",
        [/no registration_endpoint/, /RFC 7591/],
        [],
      );
      await rejection(
        discoverRegistrationEndpoint(idp.origin, FAST),
        "ERR_IDP_RESPONSE",
        [/names issuer https:\/\/elsewhere\.example\.com/],
        [],
      );
      await rejection(
        discoverRegistrationEndpoint(idp.origin, FAST),
        "ERR_IDP_RESPONSE",
        [/registration_endpoint must be an https URL/],
        [],
      );
      assert.equal(idp.seen.length, 3, "failures are not cached");
    },
  );
});

test("redaction: Bearer values, token members, private JWK members and PEM blocks; a secret is redacted before truncation", () => {
  const pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----";
  const text = JSON.stringify({
    registration_access_token: "AAA",
    client_secret: "BBB",
    initial_access_token: "CCC",
    jwk: { kty: "RSA", n: "pub", d: "DDD", qi: "EEE" },
    pem,
    note: "Authorization: Bearer FFF",
  });
  const out = redactPatterns(text);
  for (const s of ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "MIGHAgEA"]) assert.ok(!out.includes(s), `${s} in ${out}`);
  assert.match(out, /"n":"pub"/, "public members stay");
  assert.ok(
    !redactPatterns(`x -----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG`).includes("MIGHAgEA"),
    "a PEM cut short is redacted too",
  );
  assert.ok(!redactPatterns("registration_access_token=GGG&x=1").includes("GGG"));
  const secret = "S".repeat(40);
  const cut = excerpt(`${"x".repeat(290)}${secret}`, [secret]);
  assert.ok(!cut.includes("SSSS"), "no half secret at the cut");
});
