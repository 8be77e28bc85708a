/**
 * basic: a private_key_jwt client with inline jwks and redirect URIs from stack config.
 *
 *   pulumi config set dcr:issuer https://idp.example.com
 *   pulumi config set --secret dcr:initialAccessToken <IAT>
 *   pulumi config set --path 'redirectUris[0]' https://app.example.com/callback
 */
import * as pulumi from "@pulumi/pulumi";
import { DcrClient } from "pulumi-dcr";

const config = new pulumi.Config();
const app = new DcrClient("app", {
  clientName: "basic-example",
  redirectUris: config.requireObject<string[]>("redirectUris"),
  metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
});

export const clientId = app.clientId;
export const activeKid = app.activeKid;
export const redirectUris = app.redirectUris;
export const privateKeyPem = app.privateKeyPem;
