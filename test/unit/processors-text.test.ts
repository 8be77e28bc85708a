/**
 * The pure helpers the processors lean on: printable quoting, RAT expiry, refused-token
 * recognition, bounded JSON and the iterative compact / deepEqual, DcrError's handle, and the one
 * list of private JWK members.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { DcrError } from "../../provider/errors";
import { PRIVATE_JWK_MEMBERS } from "../../provider/jwk-members";
import { compact, deepEqual, jsonBoundsProblem } from "../../provider/json";
import { ratExpiresAt, ratExpiryWarning } from "../../provider/protocol/rat-expiry";
import { tokenRefused } from "../../provider/protocol/refusal";
import { assertPublicJwks } from "../../provider/protocol/response";
import { printable } from "../../provider/text";
import { logInfo, logWarn } from "../../provider/runtime";
import { answer, handle, RAT } from "./processors-fixtures";

/** An unsigned JWT-shaped token with `claims`. */
function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "RS256" })}.${part(claims)}.c2lnbmF0dXJl`;
}

test("printable: CR, LF, tab, other C0/C1, DEL, U+2028/2029 and bidi overrides escaped; the rest untouched", () => {
  assert.equal(printable("c1\r\n[INFO] forged\tx"), "c1\\r\\n[INFO] forged\\tx");
  assert.equal(printable("a\u0000b\u001bc\u007fd\u0085e"), "a\\u0000b\\u001bc\\u007fd\\u0085e");
  assert.equal(printable("x\u2028y\u2029z\u202eq"), "x\\u2028y\\u2029z\\u202eq");
  assert.equal(printable("bff-server é 日本 \\n"), "bff-server é 日本 \\n");
});

test("ratExpiresAt: the exp of a JWT, without verification; undefined for anything else", () => {
  assert.equal(ratExpiresAt(jwt({ exp: 1_800_000_000 }))?.toISOString(), "2027-01-15T08:00:00.000Z");
  assert.equal(ratExpiresAt(jwt({ exp: 1_800_000_000.5 }))?.toISOString(), "2027-01-15T08:00:00.500Z");
  assert.equal(ratExpiresAt(jwt({ sub: "c1" })), undefined, "no exp");
  assert.equal(ratExpiresAt(jwt({ exp: "1800000000" })), undefined, "exp not a number");
  assert.equal(ratExpiresAt(jwt({ exp: 1e300 })), undefined, "exp out of range");
  assert.equal(ratExpiresAt(RAT), undefined, "opaque token");
  assert.equal(ratExpiresAt("a.b"), undefined);
  assert.equal(ratExpiresAt("a.!!!.c"), undefined, "not base64url");
  assert.equal(ratExpiresAt(`a.${Buffer.from("[1]").toString("base64url")}.c`), undefined, "payload not an object");
  assert.equal(ratExpiresAt(`${jwt({ exp: 1_800_000_000 })}${"x".repeat(20_000)}`), undefined, "too long");
});

test("ratExpiryWarning: when it expires and what that means; nothing for a token without exp", () => {
  const now = new Date("2027-01-15T07:45:00.000Z");
  assert.equal(
    ratExpiryWarning("c1\nforged", jwt({ exp: 1_800_000_000 }), now),
    "client c1\\nforged: the IdP's registration access token expires at 2027-01-15T08:00:00.000Z (in 15 minutes). " +
      'After that instant the IdP refuses refresh, update and destroy of this client unless an admin API renews the token: set "adminToken" (`pulumi config set --secret dcr:adminToken <token>`), or re-adopt the client with a fresh registration access token (the `adopt` input) when it is needed',
  );
  assert.match(
    ratExpiryWarning("c1", jwt({ exp: 1_800_000_000 }), new Date("2027-01-10T00:00:00Z")) ?? "",
    /expires at 2027-01-15T08:00:00.000Z \(in 5 days\)/,
  );
  assert.match(ratExpiryWarning("c1", jwt({ exp: 1_800_000_000 }), new Date("2028-01-01")) ?? "", /\(already passed\)/);
  assert.equal(ratExpiryWarning("c1", RAT, now), undefined);
});

test("tokenRefused: 401, 403, and 400 invalid_token / access_denied; not 400 invalid_client or other errors", () => {
  assert.equal(tokenRefused(answer(401)), true);
  assert.equal(tokenRefused(answer(403, "Forbidden", "text/plain")), true);
  assert.equal(tokenRefused(answer(400, { error: "invalid_token" })), true);
  assert.equal(tokenRefused(answer(400, { error: "access_denied" })), true);
  assert.equal(tokenRefused(answer(400, { error: "invalid_client" })), false);
  assert.equal(tokenRefused(answer(400, { error: "invalid_client_metadata" })), false);
  assert.equal(tokenRefused(answer(400, "invalid_token", "text/plain")), false, "only an error object counts");
  assert.equal(tokenRefused(answer(404, { error: "invalid_token" })), false);
});

test("jsonBoundsProblem: depth and member count bounded, iteratively", () => {
  const deep = JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`) as unknown;
  assert.equal(jsonBoundsProblem(deep), "is nested deeper than 64 levels");
  assert.equal(jsonBoundsProblem({ a: new Array(10_001).fill(0) }), "holds more than 10000 members and elements");
  assert.equal(jsonBoundsProblem({ a: [[{ b: 1 }]], c: "x" }), undefined);
  assert.equal(jsonBoundsProblem(JSON.parse(`${"[".repeat(64)}${"]".repeat(64)}`)), undefined, "64 levels fit");
  assert.equal(jsonBoundsProblem(JSON.parse(`${"[".repeat(65)}${"]".repeat(65)}`)), "is nested deeper than 64 levels");
});

test("compact and deepEqual: 100,000 levels deep without exhausting the stack; same results as before", () => {
  const deep = JSON.parse(`${'{"a":'.repeat(100_000)}null${"}".repeat(100_000)}`) as unknown;
  const copy = compact(deep);
  assert.notEqual(copy, deep);
  assert.equal(deepEqual(copy, deep), true);
  assert.equal(deepEqual(deep, JSON.parse(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`)), false);
  assert.deepEqual(compact({ a: undefined, b: [1, undefined, { c: undefined, d: 2 }], __proto__x: 1 }), {
    b: [1, undefined, { d: 2 }],
    __proto__x: 1,
  });
  const proto = compact(JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>);
  assert.deepEqual(Object.keys(proto), ["__proto__"], "a member named __proto__ stays a member");
  assert.equal(deepEqual({ a: 1, b: undefined }, { a: 1 }), true);
  assert.equal(deepEqual({ a: 1 }, { b: 1 }), false);
  assert.equal(deepEqual([1, [2]], [1, [2]]), true);
  assert.equal(deepEqual([1, [2]], [1, [3]]), false);
});

test("DcrError.handle: carried, never enumerable, never serialized or inspected", () => {
  const h = handle();
  const e = new DcrError("ERR_IDP_RESPONSE", "x", { handle: h });
  assert.equal(e.handle, h);
  assert.equal(Object.keys(e).includes("handle"), false);
  assert.equal(JSON.stringify(e).includes(RAT), false);
  assert.equal(inspect(e).includes(RAT), false);
  assert.equal(new DcrError("ERR_CONFIG", "y").handle, undefined);
});

test("one list of private JWK members (oth included), used to refuse them in answers", () => {
  assert.deepEqual([...PRIVATE_JWK_MEMBERS], ["d", "p", "q", "dp", "dq", "qi", "k", "oth"]);
  assert.throws(
    () => assertPublicJwks({ keys: [{ kty: "RSA", n: "x", e: "AQAB", oth: [] }] }, "the answer", "ERR_IDP_RESPONSE"),
    {
      message:
        "[ERR_IDP_RESPONSE] the answer has private key material in jwks.keys[0] (members oth); only public keys may be published",
    },
  );
});

test("every DcrError message and log line is one line, whatever it quotes (escaped at the sink)", () => {
  const forged = "client x\r\nwarning: forged-20261101T000000Z\u2028y";
  const e = new DcrError("ERR_IDP_RESPONSE", `reading ${forged}`);
  assert.equal(e.message, "[ERR_IDP_RESPONSE] reading client x\\r\\nwarning: forged-20261101T000000Z\\u2028y");
  assert.equal(new DcrError("ERR_CONFIG", e.detail).detail, e.detail, "escaping twice changes nothing");
  const lines: string[] = [];
  const saved = { log: console.log, warn: console.warn };
  console.log = (m: string) => lines.push(m);
  console.warn = (m: string) => lines.push(m);
  try {
    logInfo(`key ${forged} is 61 days old`);
    logWarn(forged);
  } finally {
    Object.assign(console, saved);
  }
  assert.deepEqual(lines, [
    "key client x\\r\\nwarning: forged-20261101T000000Z\\u2028y is 61 days old",
    "warning: client x\\r\\nwarning: forged-20261101T000000Z\\u2028y",
  ]);
});
