/**
 * The secret-leak checker itself (test/support/secrets.ts): every private key PEM (RS256, PS256,
 * ES256, EdDSA), private JWK member, RAT, IAT and admin token planted in a log line, JSON (once
 * and twice), an Error's cause as util.inspect prints it, and the other shapes text gives a
 * value, is found; text holding only public halves, other keys and redacted messages is clean.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import * as jose from "jose";
import { KEY_ALGORITHMS, type KeyAlgorithm } from "../../provider/crypto";
import { leaks, privateMembers } from "../support/secrets";

interface Planted {
  /** What the value is, for failure messages. */
  name: string;
  value: string;
}

interface TestKey {
  pem: string;
  spki: string;
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
}

async function testKey(alg: KeyAlgorithm): Promise<TestKey> {
  const options: jose.GenerateKeyPairOptions =
    alg === "EdDSA" ? { extractable: true, crv: "Ed25519" } : { extractable: true };
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, options);
  return {
    pem: await jose.exportPKCS8(privateKey),
    spki: await jose.exportSPKI(publicKey),
    privateJwk: await jose.exportJWK(privateKey),
    publicJwk: await jose.exportJWK(publicKey),
  };
}

const token = (): string => randomBytes(32).toString("base64url");

/** The PEM and every private JWK member of one key of each algorithm, and the three token kinds. */
async function plantedSecrets(): Promise<{ secrets: Planted[]; keys: Map<KeyAlgorithm, TestKey> }> {
  const keys = new Map<KeyAlgorithm, TestKey>();
  const secrets: Planted[] = [
    { name: "RAT", value: token() },
    { name: "IAT", value: token() },
    { name: "admin token", value: token() },
  ];
  for (const alg of KEY_ALGORITHMS) {
    const key = await testKey(alg);
    keys.set(alg, key);
    secrets.push({ name: `${alg} private key PEM`, value: key.pem });
    const members = privateMembers({ keys: [key.privateJwk] });
    assert.ok(members.length >= 1, `${alg}: the JWK has private members`);
    members.forEach((value, i) => secrets.push({ name: `${alg} private JWK member ${i}`, value }));
  }
  return { secrets, keys };
}

const SWAP: Record<string, string> = { "+": "-", "/": "_", "-": "+", _: "/" };
const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
/** Line breaks every 20 characters: every slice the checker looks for then crosses one. */
const narrow = (s: string): string => s.replace(/\s+/g, "").replace(/(.{20})/g, "$1\n");

/** Shapes a value takes in logs, state, messages and URLs. */
const SHAPES: [string, (s: string) => string][] = [
  ["printed in a log line", (s) => `info: client registered with ${s} (ok)`],
  ["with CRLF line breaks", (s) => `log:\r\n${s.replace(/\n/g, "\r\n")}`],
  [
    "re-wrapped at 76 columns and indented",
    (s) => `key: |\n    ${s.replace(/\n/g, "").replace(/(.{76})/g, "$1\n    ")}`,
  ],
  ["inside JSON", (s) => JSON.stringify({ outputs: { value: s } })],
  ["inside JSON stringified twice", (s) => JSON.stringify({ log: JSON.stringify({ outputs: { value: s } }) })],
  [
    "in the message of an Error's cause, util.inspect",
    (s) => inspect(new Error("update failed", { cause: new Error(`the IdP said: ${s}`) })),
  ],
  [
    "in a property of an Error's cause, util.inspect",
    (s) => inspect(new Error("update failed", { cause: Object.assign(new Error("bad answer"), { body: s }) })),
  ],
  [
    "wrapped at 20 columns, inside JSON stringified twice",
    (s) => JSON.stringify({ log: JSON.stringify({ value: narrow(s) }) }),
  ],
  [
    "wrapped at 20 columns, in a property of an Error's cause, util.inspect",
    (s) => inspect(new Error("failed", { cause: Object.assign(new Error("bad"), { body: narrow(s) }) })),
  ],
  ["\\u-escaped as Go's JSON encoder may write it", (s) => `{"v":"${s.replace(/[+/=\n]/g, unicodeEscape)}"}`],
  ["percent-encoded in a URL", (s) => `PUT http://127.0.0.1:9091/metrics/job/x?v=${encodeURIComponent(s)}`],
  ["in the other base64 alphabet", (s) => s.replace(/[+/_-]/g, (c) => SWAP[c] as string)],
  ["only its first 60 % printed", (s) => `excerpt: ${s.slice(0, Math.ceil(s.length * 0.6))}…`],
];

/** Shapes only a token takes: base64-encoded as a whole. */
const TOKEN_SHAPES: [string, (s: string) => string][] = [
  ["base64-encoded in a Basic header", (s) => `authorization: Basic ${Buffer.from(`bff:${s}`).toString("base64")}`],
  [
    "base64url-encoded in a Pushgateway label",
    (s) => `PUT /metrics/job/pulumi_dcr/token@base64/${Buffer.from(s).toString("base64url")}`,
  ],
];

test("every planted secret is found in every shape: PEMs and private JWK members of RS256/PS256/ES256/EdDSA, RAT, IAT, admin token", async () => {
  const { secrets } = await plantedSecrets();
  const missed: string[] = [];
  for (const { name, value } of secrets) {
    const shapes = /token|RAT|IAT/.test(name) ? [...SHAPES, ...TOKEN_SHAPES] : SHAPES;
    for (const [shape, render] of shapes) {
      const text = `some output before\n${render(value)}\nsome output after`;
      if (leaks(text, [value]).length === 0) missed.push(`${name}: ${shape}`);
    }
  }
  assert.deepEqual(missed, []);
});

test("20 private key PEMs of each algorithm, printed or inside JSON: 20 of 20 caught", async () => {
  for (const alg of KEY_ALGORITHMS) {
    let caught = 0;
    for (let i = 0; i < 20; i++) {
      const { pem } = await testKey(alg);
      const printed = leaks(`engine output:\n${pem}\n`, [pem]).length > 0;
      const inJson = leaks(JSON.stringify({ resources: [{ outputs: { privateKeyPem: pem } }] }), [pem]).length > 0;
      if (printed && inJson) caught++;
    }
    assert.equal(caught, 20, `${alg}: ${caught} of 20 caught`);
  }
});

test("clean text is not flagged: public halves, other keys of the same algorithms, redacted messages", async () => {
  const { secrets, keys } = await plantedSecrets();
  const others = await Promise.all(KEY_ALGORITHMS.map((alg) => testKey(alg)));
  const parts: string[] = [];
  for (const [alg, key] of keys) {
    parts.push(`${alg} public JWK ${JSON.stringify(key.publicJwk)}`, key.spki, JSON.stringify({ spki: key.spki }));
  }
  for (const other of others)
    parts.push(
      other.pem,
      JSON.stringify(other.privateJwk),
      inspect(new Error("x", { cause: Object.assign(new Error("y"), { pem: other.pem }) })),
    );
  parts.push(
    "PATCH http://127.0.0.1:4000/api/oidc/register/bff-server answered 400 invalid_client_metadata: token [redacted] may not do this",
    inspect(new Error("rejected for Bearer [redacted]", { cause: new Error("registration_access_token: [redacted]") })),
    JSON.stringify({
      kid: "dcr-20270101T000000Z",
      clientId: "bff-server",
      privateKeyPem: {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        ciphertext: randomBytes(900).toString("base64"),
      },
    }),
  );
  for (let i = 0; i < 2000; i++) parts.push(`noise ${token()} ${randomBytes(48).toString("base64")}`);
  assert.deepEqual(
    leaks(
      parts.join("\n"),
      secrets.map((s) => s.value),
    ),
    [],
  );
});

test("what leaks() reports names the secret, never its value; values too short or not strings are skipped", async () => {
  const { secrets } = await plantedSecrets();
  const values = secrets.map((s) => s.value);
  const text = values.map((v) => JSON.stringify({ v })).join("\n");
  const found = leaks(text, values);
  assert.equal(found.length, values.length, "each secret is reported once");
  assert.deepEqual(leaks(found.join("\n"), values), [], "the report itself is clean");
  assert.deepEqual(leaks("pw 1234567 x", ["pw", "1234567", undefined, 42, null]), []);
});
