/** Plain-fetch helpers for the IdP round-trip tests (no pulumi-dcr code involved). */
import * as assert from "node:assert/strict";
import * as jose from "jose";

export type Json = Record<string, unknown>;

export interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

/**
 * One HTTP exchange; `token` goes into `Authorization: Bearer`, `body` is sent as JSON, `form`
 * (instead of `body`) as application/x-www-form-urlencoded.
 */
export async function call(
  url: string,
  init: { method?: string; token?: string; body?: unknown; form?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.form !== undefined) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  } else if (init.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.body);
  }
  const res = await fetch(url, { method: init.method ?? "GET", headers, body, signal: init.signal });
  return { status: res.status, body: parseBody(await res.text()), headers: res.headers };
}

/** A response body as JSON: `{}` when empty, `{ text }` when it is not JSON. */
export function parseBody(text: string): Json {
  if (text === "") return {};
  try {
    return JSON.parse(text) as Json;
  } catch {
    return { text };
  }
}

export interface TestKey {
  kid: string;
  publicJwk: Json;
  privateJwk: Json;
  privateKeyPem: string;
}

export async function es256Key(kid: string): Promise<TestKey> {
  return testKey("ES256", kid);
}

/** A fresh signing key pair for `alg` (RS256, PS256, ES256, EdDSA = Ed25519, …), its JWKs carrying `kid` and `alg`. */
export async function testKey(alg: string, kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  return {
    kid,
    publicJwk: { ...(await jose.exportJWK(publicKey)), kid, alg, use: "sig" },
    privateJwk: { ...(await jose.exportJWK(privateKey)), kid, alg },
    privateKeyPem: await jose.exportPKCS8(privateKey),
  };
}

export function registration(key: TestKey, extra: Json = {}): Json {
  return {
    client_name: "bff",
    redirect_uris: ["https://app.example.com/callback"],
    token_endpoint_auth_method: "private_key_jwt",
    token_endpoint_auth_signing_alg: "ES256",
    grant_types: ["authorization_code", "client_credentials"],
    response_types: ["code"],
    jwks: { keys: [key.publicJwk] },
    ...extra,
  };
}

/** RFC 7592 read-modify-write: the record as read, minus what a PUT must not carry, plus `changes`. */
export function putBody(current: Json, changes: Json): Json {
  const body: Json = { ...current, ...changes };
  for (const field of [
    "registration_access_token",
    "registration_client_uri",
    "client_id_issued_at",
    "client_secret_expires_at",
    "client_secret",
  ]) {
    delete body[field];
  }
  return body;
}

export const kidsOf = (record: Json | undefined): string[] =>
  ((record?.jwks as { keys: { kid: string }[] } | undefined)?.keys ?? []).map((k) => k.kid);

/** A client registered with an IAT (201 asserted); its id, registration_client_uri and RAT. */
export async function registerWithIat(
  idp: { registrationEndpoint: string; initialAccessToken: string },
  body: Json,
): Promise<{ id: string; uri: string; rat: string }> {
  const created = await call(idp.registrationEndpoint, { method: "POST", token: idp.initialAccessToken, body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return {
    id: created.body.client_id as string,
    uri: created.body.registration_client_uri as string,
    rat: created.body.registration_access_token as string,
  };
}
