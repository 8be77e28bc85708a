/**
 * jwks-uri: register a `jwks_uri` instead of an inline jwks; this stack still generates and
 * rotates the keys, and exports the public JWK Set for the application to serve at that URL.
 *
 *   pulumi config set dcr:issuer https://idp.example.com
 *   pulumi config set --secret dcr:initialAccessToken <IAT>
 *   pulumi config set jwksUri https://bff.example.com/.well-known/jwks.json
 */
import * as pulumi from "@pulumi/pulumi";
import { DcrClient } from "pulumi-dcr";

const config = new pulumi.Config();
const bff = new DcrClient("bff", {
  clientName: "jwks-uri-example",
  jwksUri: config.require("jwksUri"),
  redirectUris: ["https://bff.example.com/auth/callback"],
  keyAlgorithm: "ES256",
});

/** Serve this document at jwksUri (e.g. write it to the app's config map). */
export const jwksDocument = pulumi.jsonStringify(bff.jwks);
export const clientId = bff.clientId;
export const activeKid = bff.activeKid;
export const privateKeyPem = bff.privateKeyPem;
