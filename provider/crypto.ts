/**
 * Key material for private_key_jwt: generate, import (bring-your-own PEM), rebuild from what
 * state stores, export the public JWK, and compute RFC 7638 thumbprints.
 * Errors are DcrErrors that never contain key values.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import * as jose from "jose";
import { DcrError, detailOf } from "./errors";
import { PRIVATE_JWK_MEMBERS as PRIVATE_MEMBERS } from "./jwk-members";
import { isKeyAlgorithm, KEY_ALGORITHMS, type KeyAlgorithm } from "./key-algorithms";
import { keyAlgorithmProblem } from "./plan/policy";

export { KEY_ALGORITHMS, type KeyAlgorithm } from "./key-algorithms";

/**
 * A public signing JWK as published in the client's `jwks`: `kty`, `kid`, `alg`, `use: "sig"`
 * and the key's public members only (`n`,`e` | `crv`,`x`,`y` | `crv`,`x`).
 * @see RFC 7517 §4
 */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: string;
  use: "sig";
  [member: string]: unknown;
}

/** One signing key in every form the provider needs. */
export interface KeyMaterial {
  kid: string;
  alg: KeyAlgorithm;
  /** ISO-8601 UTC creation time. */
  createdAt: string;
  publicJwk: PublicJwk;
  /** The private JWK, including `kid`, `alg` and `use`. Secret. */
  privateJwk: Record<string, unknown>;
  /** The private key as a PKCS#8 PEM. Secret. */
  privateKeyPem: string;
}

/** Public members by key type (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2). */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  RSA: Object.freeze(["n", "e"]),
  EC: Object.freeze(["crv", "x", "y"]),
  OKP: Object.freeze(["crv", "x"]),
});

/** The smallest RSA modulus accepted, in bits (RFC 7518 §3.3). */
const MIN_RSA_BITS = 2048;

/**
 * Generates a fresh, extractable key pair: RS256/PS256 → RSA 2048, ES256 → P-256,
 * EdDSA → Ed25519.
 * @throws DcrError ERR_KEY when generation or export fails.
 */
export async function generateKeyMaterial(alg: KeyAlgorithm, kid: string, createdAt: Date): Promise<KeyMaterial> {
  assertAlgorithm(alg);
  const when = isoOf(createdAt);
  const options: jose.GenerateKeyPairOptions = { extractable: true };
  if (alg === "RS256" || alg === "PS256") options.modulusLength = MIN_RSA_BITS;
  if (alg === "EdDSA") options.crv = "Ed25519";
  const pair = await keyStep(`generating a ${alg} key`, () => jose.generateKeyPair(alg, options));
  return materialOf(pair.privateKey, alg, kid, when);
}

/**
 * Imports a bring-your-own private key PEM (PKCS#8, or unencrypted PKCS#1 / SEC1) for `alg`.
 * @throws DcrError ERR_CONFIG naming `signingKeyPem` when it is not a PEM, is a public key or
 *   certificate, cannot be read, or does not fit `alg`.
 */
export async function importPrivateKeyPem(
  pem: string,
  alg: KeyAlgorithm,
  kid: string,
  createdAt: Date,
): Promise<KeyMaterial> {
  assertAlgorithm(alg);
  const when = isoOf(createdAt);
  const key = parsePrivatePem(pem);
  const misfit = fitProblem(key, alg);
  if (misfit !== undefined) {
    throw new DcrError("ERR_CONFIG", `"signingKeyPem" is ${misfit}, but keyAlgorithm ${alg} needs ${needs(alg)}`);
  }
  return materialOf(key, alg, kid, when);
}

/**
 * Rebuilds key material from a private JWK as state stores it (with `kid` and `alg`).
 * @throws DcrError ERR_KEY when the JWK lacks `kid`/`alg`, has no private part, or cannot be imported.
 */
export async function keyMaterialFromPrivateJwk(
  privateJwk: Record<string, unknown>,
  createdAt: string,
): Promise<KeyMaterial> {
  const { kid, alg } = privateJwk;
  if (typeof kid !== "string" || kid === "") throw new DcrError("ERR_KEY", 'a stored private JWK has no "kid"');
  if (!isKeyAlgorithm(alg)) {
    throw new DcrError(
      "ERR_KEY",
      `stored private JWK ${kid} has "alg" ${String(alg)}; expected one of ${KEY_ALGORITHMS.join(", ")}`,
    );
  }
  if (!hasPrivateMembers(privateJwk)) throw new DcrError("ERR_KEY", `stored JWK ${kid} has no private part`);
  const key = await keyStep(`importing stored key ${kid}`, () =>
    jose.importJWK(privateJwk as jose.JWK, alg, { extractable: true }),
  );
  if (key instanceof Uint8Array) throw new DcrError("ERR_KEY", `stored JWK ${kid} is a symmetric key`);
  return materialOf(key, alg, kid, createdAt);
}

/**
 * The public half of a JWK: `kty`, `kid`, `alg`, `use: "sig"` and the public members of its key
 * type. Never copies `d`, `p`, `q`, `dp`, `dq`, `qi`, `k`, `oth` or anything else.
 * @throws DcrError ERR_KEY when `kty` is not RSA/EC/OKP or `kid`/`alg` is missing.
 */
export function toPublicJwk(jwk: Record<string, unknown>): PublicJwk {
  const { kty, kid, alg } = jwk;
  const members = typeof kty === "string" ? PUBLIC_MEMBERS[kty] : undefined;
  if (typeof kty !== "string" || members === undefined) {
    throw new DcrError("ERR_KEY", `a JWK has "kty" ${String(kty)}; only RSA, EC and OKP keys can be published`);
  }
  if (typeof kid !== "string" || kid === "") throw new DcrError("ERR_KEY", 'a JWK to publish has no "kid"');
  if (typeof alg !== "string" || alg === "") throw new DcrError("ERR_KEY", `JWK ${kid} has no "alg"`);
  const out: PublicJwk = { kty, kid, alg, use: "sig" };
  for (const m of members) if (jwk[m] !== undefined) out[m] = jwk[m];
  return out;
}

/** True when `jwk` carries private or symmetric key members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`, `oth`). */
export function hasPrivateMembers(jwk: Record<string, unknown>): boolean {
  return PRIVATE_MEMBERS.some((m) => jwk[m] !== undefined);
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) over the required public members.
 * @throws DcrError ERR_KEY when the JWK lacks a required member.
 * @see RFC 7638 §3
 */
export async function thumbprint(jwk: Record<string, unknown>): Promise<string> {
  return keyStep("computing a JWK thumbprint", () => jose.calculateJwkThumbprint(jwk as jose.JWK, "sha256"));
}

/** Builds every form of a private key held by WebCrypto or node:crypto. */
async function materialOf(
  key: jose.CryptoKey | KeyObject,
  alg: KeyAlgorithm,
  kid: string,
  createdAt: string,
): Promise<KeyMaterial> {
  if (typeof kid !== "string" || kid === "") throw new DcrError("ERR_KEY", "a key needs a non-empty kid");
  const [exported, privateKeyPem] = await keyStep(`exporting key ${kid}`, () =>
    Promise.all([jose.exportJWK(key), jose.exportPKCS8(key)]),
  );
  const privateJwk: Record<string, unknown> = { ...exported, kid, alg, use: "sig" };
  return { kid, alg, createdAt, publicJwk: toPublicJwk(privateJwk), privateJwk, privateKeyPem };
}

/** Parses a private key PEM, refusing public keys and certificates. */
function parsePrivatePem(pem: string): KeyObject {
  const label = typeof pem === "string" ? /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1] : undefined;
  if (label === undefined) {
    throw new DcrError(
      "ERR_CONFIG",
      '"signingKeyPem" is not a PEM: expected a "-----BEGIN PRIVATE KEY-----" block (PKCS#8)',
    );
  }
  if (/PUBLIC KEY|CERTIFICATE/.test(label)) {
    throw new DcrError(
      "ERR_CONFIG",
      `"signingKeyPem" holds a ${label.toLowerCase()}: a private key is needed (PKCS#8 "BEGIN PRIVATE KEY")`,
    );
  }
  try {
    return createPrivateKey({ key: pem, format: "pem" });
  } catch (cause) {
    throw new DcrError(
      "ERR_CONFIG",
      '"signingKeyPem" is not a readable private key: expected an unencrypted PKCS#8 (or PKCS#1 / SEC1) PEM',
      { cause },
    );
  }
}

/** Describes why `key` cannot sign with `alg`; undefined when it fits. */
function fitProblem(key: KeyObject, alg: KeyAlgorithm): string | undefined {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const have =
    type === "rsa"
      ? `an RSA ${details.modulusLength ?? "?"}-bit key`
      : type === "ec"
        ? `an EC ${details.namedCurve ?? "?"} key`
        : `a ${type ?? "unknown"} key`;
  const fits =
    alg === "ES256"
      ? type === "ec" && details.namedCurve === "prime256v1"
      : alg === "EdDSA"
        ? type === "ed25519"
        : type === "rsa" && (details.modulusLength ?? 0) >= MIN_RSA_BITS;
  return fits ? undefined : have;
}

/** What kind of key `alg` needs, for messages. */
function needs(alg: KeyAlgorithm): string {
  if (alg === "ES256") return "an EC P-256 key";
  if (alg === "EdDSA") return "an Ed25519 key";
  return `an RSA key of at least ${MIN_RSA_BITS} bits`;
}

function assertAlgorithm(alg: unknown): asserts alg is KeyAlgorithm {
  const problem = keyAlgorithmProblem(alg);
  if (problem !== undefined) throw new DcrError("ERR_CONFIG", `"keyAlgorithm" ${problem}; got ${String(alg)}`);
}

function isoOf(d: Date): string {
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    throw new DcrError("ERR_KEY", "a key needs a valid creation time");
  return d.toISOString();
}

/** Runs a jose/WebCrypto step, converting its failure into ERR_KEY (the cause is kept). */
async function keyStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    if (cause instanceof DcrError) throw cause;
    throw new DcrError("ERR_KEY", `${what} failed: ${detailOf(cause)}`, { cause });
  }
}
