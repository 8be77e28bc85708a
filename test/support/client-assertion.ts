/**
 * The proof that a registered key works: an OAuth client_credentials request at a token endpoint,
 * the client authenticated with private_key_jwt (RFC 7523 §2.2) — a JWT signed with the key.
 */
import { randomUUID } from "node:crypto";
import * as jose from "jose";
import { call, type Json } from "./plain-dcr";

/** The signing key: a private JWK or a PKCS#8 PEM, with the kid and alg to put in the JWT header. */
export interface AssertionKey {
  privateJwk?: Record<string, unknown>;
  privateKeyPem?: string;
  kid: string;
  alg: string;
}

/** A client assertion for `clientId`: iss = sub = client_id, aud = `audience`, 60 s lifetime, fresh jti. */
export async function clientAssertion(clientId: string, key: AssertionKey, audience: string): Promise<string> {
  if (!key.privateJwk && !key.privateKeyPem)
    throw new Error("clientAssertion: pass key.privateJwk or key.privateKeyPem");
  const signingKey = key.privateJwk
    ? await jose.importJWK(key.privateJwk as jose.JWK, key.alg)
    : await jose.importPKCS8(key.privateKeyPem as string, key.alg);
  return new jose.SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime("60s")
    .sign(signingKey);
}

/**
 * POSTs grant_type=client_credentials to `tokenEndpoint` with a private_key_jwt client assertion
 * (audience: the token endpoint) and returns the status and JSON body.
 */
export async function clientCredentialsAt(
  tokenEndpoint: string,
  clientId: string,
  key: AssertionKey,
): Promise<{ status: number; body: Json }> {
  const answer = await call(tokenEndpoint, {
    method: "POST",
    form: {
      grant_type: "client_credentials",
      client_id: clientId,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: await clientAssertion(clientId, key, tokenEndpoint),
    },
  });
  return { status: answer.status, body: answer.body };
}
