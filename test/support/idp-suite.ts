/**
 * One interface over the three real IdPs the tests run against — oidc-provider (oidc-idp.ts), the
 * seed-style fixture (seed-idp.ts) and Keycloak (keycloak.ts) — so one engine test can loop:
 *
 *   for (const name of SUITE_IDPS) test(`… (${name})`, async () => {
 *     const idp = await startSuiteIdp(name);
 *     try {
 *       const stack = await createDcrStack({ bff: { ...idp.args, clientName: "bff", redirectUris: [A],
 *         metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] } } },
 *         { config: idp.config });
 *       …  await idp.kidsAt(clientId)  …  await idp.setRedirectUris(clientId, [X])  …
 *     } finally { await idp.close(); }
 *   });
 *
 * Out-of-band reads and changes go around the code under test (in process, or through Keycloak's
 * admin API past the counting proxy) and are never counted in `requests`.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { DEFAULT_RAT_RENEWAL_PATH } from "../../provider/protocol/types";
import type { AssertionKey } from "./client-assertion";
import { sharedKeycloak } from "./keycloak";
import { startOidcIdp } from "./oidc-idp";
import { kidsOf, type Json } from "./plain-dcr";
import type { RequestLog } from "./request-log";
import { startSeedIdp } from "./seed-idp";

export type SuiteIdpName = "oidc-provider" | "seed" | "keycloak";

/** Every IdP of the suite, in the order tests should loop over them. */
export const SUITE_IDPS: readonly SuiteIdpName[] = ["oidc-provider", "seed", "keycloak"];

export interface SuiteIdp {
  name: SuiteIdpName;
  /**
   * DcrClient args that reach the IdP, to spread into a resource's args: `issuer` (oidc-provider,
   * Keycloak: discovery) or `registrationEndpoint` (seed), and `updateMethod: "PATCH"` for seed.
   */
  args: { issuer?: string; registrationEndpoint?: string; updateMethod?: "PUT" | "PATCH" };
  /**
   * Stack config: `dcr:initialAccessToken` (secret) always; where the IdP has an admin API (seed,
   * Keycloak) also `dcr:adminToken` (secret) and `dcr:ratRenewalPath`.
   */
  config: ConfigMap;
  initialAccessToken: string;
  /** The admin token, where the IdP has an admin API that renews registration access tokens. */
  adminToken?: string;
  /** The renewal path template (`{client_id}` substituted), where there is an admin API. */
  ratRenewalPath?: string;
  /** Requests the IdP served (Keycloak: those of this IdP's realm, through the proxy). */
  requests: RequestLog;
  /**
   * private_key_jwt client_credentials at the IdP's token endpoint; undefined for seed (no token
   * endpoint). The client must have been registered with "client_credentials" in grant_types
   * (oidc-provider refuses the grant otherwise; Keycloak gives the client no service account).
   */
  clientCredentials?: (clientId: string, key: AssertionKey) => Promise<{ status: number; body: Json }>;
  /** Kids of the jwks the IdP holds for the client ([] when none or gone). */
  kidsAt(clientId: string): Promise<string[]>;
  /**
   * redirect_uris the IdP holds, in the IdP's order ([] when gone). Keycloak keeps a set and
   * answers in its own fixed order, not the order sent: compare as sets there.
   */
  redirectUrisAt(clientId: string): Promise<string[]>;
  /** Changes redirect_uris out of band (drift). */
  setRedirectUris(clientId: string, uris: string[]): Promise<void>;
  /** Deletes the client out of band. */
  deleteClient(clientId: string): Promise<void>;
  exists(clientId: string): Promise<boolean>;
  /** Stops the IdP (Keycloak: deletes the realm; the shared server stops with the process). */
  close(): Promise<void>;
}

/** Stack config for the IAT and, when given, the admin token and renewal path. */
function suiteConfig(initialAccessToken: string, admin?: { adminToken: string; ratRenewalPath: string }): ConfigMap {
  const config: ConfigMap = { "dcr:initialAccessToken": { value: initialAccessToken, secret: true } };
  if (admin) {
    config["dcr:adminToken"] = { value: admin.adminToken, secret: true };
    config["dcr:ratRenewalPath"] = { value: admin.ratRenewalPath };
  }
  return config;
}

/** Reads of a client record the IdP holds (RFC 7591 names), shared by every adapter. */
function recordReaders(
  read: (clientId: string) => Promise<Json | undefined>,
): Pick<SuiteIdp, "kidsAt" | "redirectUrisAt" | "exists"> {
  return {
    kidsAt: async (clientId) => kidsOf(await read(clientId)),
    redirectUrisAt: async (clientId) => ((await read(clientId))?.redirect_uris as string[] | undefined) ?? [],
    exists: async (clientId) => (await read(clientId)) !== undefined,
  };
}

async function oidcProviderIdp(): Promise<SuiteIdp> {
  const idp = await startOidcIdp();
  return {
    name: "oidc-provider",
    args: { issuer: idp.issuer },
    config: suiteConfig(idp.initialAccessToken),
    initialAccessToken: idp.initialAccessToken,
    requests: idp.requests,
    clientCredentials: (clientId, key) => idp.clientCredentials(clientId, key),
    ...recordReaders(async (clientId) => idp.getClient(clientId)),
    setRedirectUris: async (clientId, uris) =>
      idp.mutateClient(clientId, (record) => void (record.redirect_uris = uris)),
    deleteClient: async (clientId) => idp.deleteClient(clientId),
    close: () => idp.close(),
  };
}

async function seedIdp(): Promise<SuiteIdp> {
  const idp = await startSeedIdp();
  const admin = { adminToken: idp.adminToken, ratRenewalPath: DEFAULT_RAT_RENEWAL_PATH };
  return {
    name: "seed",
    args: { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" },
    config: suiteConfig(idp.initialAccessToken, admin),
    initialAccessToken: idp.initialAccessToken,
    ...admin,
    requests: idp.requests,
    ...recordReaders(async (clientId) => idp.getClient(clientId)),
    setRedirectUris: async (clientId, uris) =>
      idp.mutateClient(clientId, (record) => void (record.redirect_uris = uris)),
    deleteClient: async (clientId) => idp.deleteClient(clientId),
    close: () => idp.close(),
  };
}

async function keycloakIdp(): Promise<SuiteIdp> {
  const kc = await sharedKeycloak();
  const admin = { adminToken: kc.adminToken, ratRenewalPath: kc.ratRenewalPath };
  return {
    name: "keycloak",
    args: { issuer: kc.issuer },
    config: suiteConfig(kc.initialAccessToken, admin),
    initialAccessToken: kc.initialAccessToken,
    ...admin,
    requests: kc.requests,
    clientCredentials: (clientId, key) => kc.clientCredentials(clientId, key),
    ...recordReaders((clientId) => kc.getClient(clientId)),
    setRedirectUris: (clientId, uris) => kc.setRedirectUris(clientId, uris),
    deleteClient: (clientId) => kc.deleteClient(clientId),
    close: () => kc.close(),
  };
}

/**
 * Starts the named IdP on loopback (Keycloak: a fresh realm on this process's shared server,
 * which the first call starts) and wraps it as a {@link SuiteIdp}.
 */
export function startSuiteIdp(name: SuiteIdpName): Promise<SuiteIdp> {
  switch (name) {
    case "oidc-provider":
      return oidcProviderIdp();
    case "seed":
      return seedIdp();
    case "keycloak":
      return keycloakIdp();
  }
}
