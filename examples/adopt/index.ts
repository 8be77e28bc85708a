/**
 * adopt: take over the client the old bootstrap helper registered, from its creds JSON
 * (BFF_CLIENT_CRED_PATH: {"client_id": …, "registration_access_token": …}) — no IAT needed.
 * Keys the helper published stay until this stack's policy retires them.
 *
 *   pulumi config set dcr:registrationEndpoint https://idp.example.com/api/oidc/register
 *   pulumi config set dcr:updateMethod PATCH
 *   pulumi config set credsFile /app/keys/bff_client.json
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DcrClient } from "pulumi-dcr";

const config = new pulumi.Config();
const creds = JSON.parse(fs.readFileSync(config.require("credsFile"), "utf8")) as {
  client_id: string;
  registration_access_token: string;
  registration_client_uri?: string;
};

const bff = new DcrClient("bff", {
  adopt: {
    clientId: creds.client_id,
    registrationAccessToken: pulumi.secret(creds.registration_access_token),
    ...(creds.registration_client_uri ? { registrationClientUri: creds.registration_client_uri } : {}),
  },
  keyAlgorithm: "ES256",
});

export const clientId = bff.clientId;
export const activeKid = bff.activeKid;
export const privateKeyPem = bff.privateKeyPem;
