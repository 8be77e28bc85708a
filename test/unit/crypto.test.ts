/** Key material: generation, BYO PEM import, rebuild from state, public JWKs, RFC 7638 thumbprints. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import * as jose from "jose";
import {
  generateKeyMaterial,
  hasPrivateMembers,
  importPrivateKeyPem,
  KEY_ALGORITHMS,
  keyMaterialFromPrivateJwk,
  thumbprint,
  toPublicJwk,
  type KeyAlgorithm,
  type KeyMaterial,
} from "../../provider/crypto";
import { isDcrError } from "../../provider/errors";

const AT = new Date("2026-11-28T10:15:00.000Z");
const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];
const PUBLIC_SHAPE: Record<string, string[]> = {
  RSA: ["alg", "e", "kid", "kty", "n", "use"],
  EC: ["alg", "crv", "kid", "kty", "use", "x", "y"],
  OKP: ["alg", "crv", "kid", "kty", "use", "x"],
};
const KTY: Record<KeyAlgorithm, string> = { RS256: "RSA", PS256: "RSA", ES256: "EC", EdDSA: "OKP" };

/** Signs with the private PEM and with the private JWK; both verify with the public JWK only. */
async function assertSignsAndVerifies(m: KeyMaterial): Promise<void> {
  const publicKey = await jose.importJWK(m.publicJwk, m.alg);
  const signers = [await jose.importPKCS8(m.privateKeyPem, m.alg), await jose.importJWK(m.privateJwk)];
  for (const key of signers) {
    const jwt = await new jose.SignJWT({ sub: "bff-server" })
      .setProtectedHeader({ alg: m.alg, kid: m.kid })
      .setIssuedAt()
      .sign(key);
    const { payload, protectedHeader } = await jose.jwtVerify(jwt, publicKey);
    assert.equal(payload.sub, "bff-server");
    assert.equal(protectedHeader.kid, m.kid);
  }
}

function assertPublicShape(m: KeyMaterial, alg: KeyAlgorithm, kid: string): void {
  assert.equal(m.kid, kid);
  assert.equal(m.alg, alg);
  assert.equal(m.publicJwk.kty, KTY[alg]);
  assert.deepEqual(Object.keys(m.publicJwk).sort(), PUBLIC_SHAPE[KTY[alg]]);
  assert.equal(hasPrivateMembers(m.publicJwk), false);
  assert.equal(hasPrivateMembers(m.privateJwk), true);
  assert.deepEqual([m.privateJwk.kid, m.privateJwk.alg, m.privateJwk.use], [kid, alg, "sig"]);
  assert.match(m.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
}

for (const alg of KEY_ALGORITHMS) {
  test(`generateKeyMaterial ${alg}: public JWK without private members verifies what the PEM and the JWK sign`, async () => {
    const m = await generateKeyMaterial(alg, `bff-sig-${alg}`, AT);
    assertPublicShape(m, alg, `bff-sig-${alg}`);
    assert.equal(m.createdAt, "2026-11-28T10:15:00.000Z");
    if (KTY[alg] === "RSA") assert.equal(Buffer.from(m.publicJwk.n as string, "base64url").length * 8, 2048);
    if (alg === "ES256") assert.equal(m.publicJwk.crv, "P-256");
    if (alg === "EdDSA") assert.equal(m.publicJwk.crv, "Ed25519");
    await assertSignsAndVerifies(m);

    const rebuilt = await keyMaterialFromPrivateJwk(m.privateJwk, m.createdAt);
    assert.deepEqual(rebuilt.publicJwk, m.publicJwk, "rebuilt from state: same public key");
    assert.equal(rebuilt.createdAt, m.createdAt);
    await assertSignsAndVerifies(rebuilt);
    assert.equal(await thumbprint(m.privateJwk), await thumbprint(m.publicJwk), "thumbprint ignores private members");
  });
}

test("thumbprint: RFC 7638 §3.1 example", async () => {
  const jwk = {
    kty: "RSA",
    n:
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs" +
      "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91" +
      "CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    e: "AQAB",
    alg: "RS256",
    kid: "2011-04-29",
  };
  assert.equal(await thumbprint(jwk), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  await assert.rejects(thumbprint({ kty: "RSA", e: "AQAB" }), (e) => isDcrError(e, "ERR_KEY"));
});

/** Bring-your-own PEMs in the formats operators have (PKCS#8, PKCS#1, SEC1). */
function byoPems(): { name: string; alg: KeyAlgorithm; pem: string }[] {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const ed = generateKeyPairSync("ed25519").privateKey;
  return [
    { name: "RSA PKCS#8 for RS256", alg: "RS256", pem: rsa.export({ type: "pkcs8", format: "pem" }) as string },
    {
      name: "RSA PKCS#1 for RS256 (seed-style)",
      alg: "RS256",
      pem: rsa.export({ type: "pkcs1", format: "pem" }) as string,
    },
    { name: "RSA PKCS#8 for PS256", alg: "PS256", pem: rsa.export({ type: "pkcs8", format: "pem" }) as string },
    { name: "P-256 PKCS#8 for ES256", alg: "ES256", pem: ec.export({ type: "pkcs8", format: "pem" }) as string },
    { name: "P-256 SEC1 for ES256", alg: "ES256", pem: ec.export({ type: "sec1", format: "pem" }) as string },
    { name: "Ed25519 PKCS#8 for EdDSA", alg: "EdDSA", pem: ed.export({ type: "pkcs8", format: "pem" }) as string },
  ];
}

test("importPrivateKeyPem: bring-your-own PEMs import, sign and verify", async () => {
  for (const c of byoPems()) {
    const m = await importPrivateKeyPem(c.pem, c.alg, "bff-sig-001", AT);
    assertPublicShape(m, c.alg, "bff-sig-001");
    assert.equal(m.createdAt, AT.toISOString(), c.name);
    await assertSignsAndVerifies(m);
  }
});

test("importPrivateKeyPem: bad PEMs fail with ERR_CONFIG naming signingKeyPem", async () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
  const ed = generateKeyPairSync("ed25519").privateKey;
  const pkcs8 = (k: typeof ec) => k.export({ type: "pkcs8", format: "pem" }) as string;
  const cases: { name: string; pem: string; alg: KeyAlgorithm; reason: RegExp }[] = [
    { name: "garbage", pem: "not a key at all", alg: "RS256", reason: /is not a PEM/ },
    { name: "empty", pem: "", alg: "RS256", reason: /is not a PEM/ },
    {
      name: "broken body",
      pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
      alg: "RS256",
      reason: /not a readable private key/,
    },
    {
      name: "public key PEM",
      pem: rsa.publicKey.export({ type: "spki", format: "pem" }) as string,
      alg: "RS256",
      reason: /a private key is needed/,
    },
    {
      name: "PKCS#1 public key",
      pem: rsa.publicKey.export({ type: "pkcs1", format: "pem" }) as string,
      alg: "RS256",
      reason: /a private key is needed/,
    },
    {
      name: "certificate",
      pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      alg: "RS256",
      reason: /a private key is needed/,
    },
    {
      name: "EC key for RS256",
      pem: pkcs8(ec),
      alg: "RS256",
      reason: /is an EC prime256v1 key, but keyAlgorithm RS256 needs an RSA key of at least 2048 bits/,
    },
    { name: "RSA 1024 for RS256", pem: pkcs8(rsa1024), alg: "RS256", reason: /RSA 1024-bit key.*at least 2048 bits/ },
    {
      name: "RSA for ES256",
      pem: pkcs8(rsa.privateKey),
      alg: "ES256",
      reason: /keyAlgorithm ES256 needs an EC P-256 key/,
    },
    { name: "P-384 for ES256", pem: pkcs8(p384), alg: "ES256", reason: /EC secp384r1 key, but keyAlgorithm ES256/ },
    { name: "Ed25519 for PS256", pem: pkcs8(ed), alg: "PS256", reason: /ed25519 key, but keyAlgorithm PS256/ },
    { name: "EC for EdDSA", pem: pkcs8(ec), alg: "EdDSA", reason: /needs an Ed25519 key/ },
  ];
  for (const c of cases) {
    await assert.rejects(
      importPrivateKeyPem(c.pem, c.alg, "kid", AT),
      (e) => isDcrError(e, "ERR_CONFIG") && e.message.includes('"signingKeyPem"') && c.reason.test(e.message),
      c.name,
    );
  }
});

test("keyMaterialFromPrivateJwk: stored JWKs without kid, alg or private part fail with ERR_KEY", async () => {
  const m = await generateKeyMaterial("ES256", "k1", AT);
  const { d: _d, ...publicOnly } = m.privateJwk;
  const cases: Record<string, unknown>[] = [
    { ...m.privateJwk, kid: undefined },
    { ...m.privateJwk, alg: "HS256" },
    publicOnly,
    { ...m.privateJwk, alg: "RS256" },
    { kty: "oct", k: "c2VjcmV0", kid: "k", alg: "RS256" },
  ];
  for (const jwk of cases)
    await assert.rejects(keyMaterialFromPrivateJwk(jwk, AT.toISOString()), (e) => isDcrError(e, "ERR_KEY"));
});

test("toPublicJwk: keeps kty/kid/alg/use and public members only", () => {
  const rsa = {
    kty: "RSA",
    kid: "a",
    alg: "RS256",
    use: "enc",
    n: "nn",
    e: "AQAB",
    d: "x",
    p: "x",
    q: "x",
    dp: "x",
    dq: "x",
    qi: "x",
    oth: [],
    x5c: ["c"],
    key_ops: ["sign"],
  };
  assert.deepEqual(toPublicJwk(rsa), { kty: "RSA", kid: "a", alg: "RS256", use: "sig", n: "nn", e: "AQAB" });
  assert.deepEqual(toPublicJwk({ kty: "EC", kid: "b", alg: "ES256", crv: "P-256", x: "xx", y: "yy", d: "dd" }), {
    kty: "EC",
    kid: "b",
    alg: "ES256",
    use: "sig",
    crv: "P-256",
    x: "xx",
    y: "yy",
  });
  assert.deepEqual(toPublicJwk({ kty: "OKP", kid: "c", alg: "EdDSA", crv: "Ed25519", x: "xx", d: "dd" }), {
    kty: "OKP",
    kid: "c",
    alg: "EdDSA",
    use: "sig",
    crv: "Ed25519",
    x: "xx",
  });
  for (const bad of [
    { kty: "oct", kid: "k", alg: "HS256", k: "s" },
    { kty: "RSA", alg: "RS256", n: "n", e: "e" },
    { kty: "RSA", kid: "k", n: "n", e: "e" },
    {},
  ]) {
    assert.throws(
      () => toPublicJwk(bad),
      (e) => isDcrError(e, "ERR_KEY"),
      JSON.stringify(bad),
    );
  }
});

test("hasPrivateMembers: table", () => {
  assert.equal(hasPrivateMembers({ kty: "RSA", n: "n", e: "e" }), false);
  assert.equal(hasPrivateMembers({ kty: "RSA", d: undefined }), false);
  for (const m of PRIVATE) assert.equal(hasPrivateMembers({ kty: "RSA", [m]: "x" }), true, m);
});

test("property: toPublicJwk never carries a private member or anything beyond the public shape", () => {
  const kty = fc.constantFrom("RSA", "EC", "OKP");
  const extra = fc.dictionary(
    fc.constantFrom(...PRIVATE, "x5c", "key_ops", "ext", "n", "e", "crv", "x", "y", "use"),
    fc.string(),
  );
  fc.assert(
    fc.property(kty, extra, (t, members) => {
      const out = toPublicJwk({ ...members, kty: t, kid: "k", alg: "RS256" });
      assert.equal(hasPrivateMembers(out), false);
      for (const m of Object.keys(out)) assert.ok(PUBLIC_SHAPE[t]?.includes(m), `${t} must not carry ${m}`);
      assert.equal(out.use, "sig");
    }),
  );
});
