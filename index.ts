/**
 * The demo program: one OAuth client for a backend-for-frontend, registered through DCR with an
 * ES256 private_key_jwt key that rotates every 30 days; each next key is published 7 days before
 * it becomes active, so the application can pre-load it. The IdP and Initial Access Token come from
 * stack config (`dcr:issuer`, `dcr:initialAccessToken`), as they would in a real stack;
 * `npm run demo` sets them for an embedded IdP on loopback.
 */
import * as pulumi from "@pulumi/pulumi";
import { DcrClient } from "pulumi-dcr";

const bff = new DcrClient("bff", {
  clientName: "demo-bff",
  keyAlgorithm: "ES256",
  kidPrefix: "bff-sig",
  redirectUris: ["https://bff.example.com/auth/callback"],
  redirectUpdateMode: "merge",
  publishAheadDays: 7,
  metadata: {
    grant_types: ["authorization_code", "client_credentials"],
    response_types: ["code"],
  },
});

export const clientId = bff.clientId;
export const activeKid = bff.activeKid;
export const nextRotationAt = bff.nextRotationAt;
export const jwks = bff.jwks;
export const privateKeyPem = pulumi.secret(bff.privateKeyPem);
export const nextKid = bff.nextKid;
export const nextKeyActivatesAt = bff.nextKeyActivatesAt;
export const nextPrivateKeyPem = pulumi.secret(bff.nextPrivateKeyPem);
