/**
 * A real Keycloak (the version in test/support/keycloak-version) on 127.0.0.1 as a Dynamic Client
 * Registration IdP for tests, shaped like the oidc-provider harness (oidc-idp.ts).
 *
 * Layout: Keycloak listens on a port of its own; in front of it a counting loopback proxy
 * (forward-proxy.ts) that keeps the Host header, so Keycloak (dev mode derives its URLs from Host)
 * names the proxy in discovery, registration_client_uri and token issuers. The issuer and every
 * endpoint below are the proxy's: `requests` counts every request the test and the code under test
 * send. The harness's own admin calls go to Keycloak directly (claiming the proxy's Host, so the
 * tokens it mints are valid through the proxy) and are not counted.
 *
 * Each IdP object is one realm with its own admin user, admin token (2 h), Initial Access Token
 * and request log; `sharedKeycloak()` runs one server per test process (per test FILE under
 * `node --test`) and gives each caller a fresh realm, so tests stay isolated at the cost of a realm
 * (~1 s) instead of a server (15–40 s).
 *
 * For client_credentials a client needs Keycloak's service account: a DCR registration whose
 * grant_types include "client_credentials" gets it (serviceAccountsEnabled: true).
 */
import { randomBytes } from "node:crypto";
import { clientCredentialsAt, type AssertionKey } from "./client-assertion";
import { startForwardProxy, type ForwardProxy } from "./forward-proxy";
import type { HostTarget } from "./host-request";
import { ADMIN_TOKEN_SECONDS, createRealm, deleteRealm, passwordToken, RealmAdmin } from "./keycloak-admin";
import { launchKeycloak, type KeycloakProcess } from "./keycloak-process";
import type { Json } from "./plain-dcr";
import type { RequestLog } from "./request-log";

/** Registrations one Initial Access Token allows by default: plenty for a test file. */
const DEFAULT_IAT_COUNT = 1000;

export interface KeycloakRealmOptions {
  /** Realm name; defaults to "dcr" for `startKeycloak` and "dcr-<n>" for `sharedKeycloak`. */
  realm?: string;
  /** Registrations the initial access token allows. Defaults to 1000. */
  iatCount?: number;
}

/** One realm of a Keycloak server as a DCR IdP. Every URL is the counting proxy's. */
export interface KeycloakIdp {
  /** The proxy's origin, http://127.0.0.1:<port>. */
  origin: string;
  realm: string;
  /** `<origin>/realms/<realm>` */
  issuer: string;
  /** `<issuer>/clients-registrations/openid-connect` */
  registrationEndpoint: string;
  /** `<issuer>/protocol/openid-connect/token` */
  tokenEndpoint: string;
  /** Good for {@link KeycloakRealmOptions.iatCount} registrations during 2 h. */
  initialAccessToken: string;
  /** Another Initial Access Token (default: 1 registration, 2 h). */
  mintIat(count?: number): Promise<string>;
  /** Every request sent to this realm (registration, token, discovery, admin API) through the proxy. */
  requests: RequestLog;
  /** private_key_jwt client_credentials at the token endpoint (the client must have client_credentials in grant_types). */
  clientCredentials(clientId: string, key: AssertionKey): Promise<{ status: number; body: Json }>;
  /** The realm admin's access token (manage-clients, view-clients; lives 2 h): for `dcr:adminToken`. */
  adminToken: string;
  /** For `dcr:ratRenewalPath`: `/admin/realms/<realm>/clients/{client_id}/registration-access-token`. */
  ratRenewalPath: string;
  /** The client as the registration endpoint's GET shows it, read with the admin token (no RAT is touched), or undefined when gone. */
  getClient(clientId: string): Promise<Json | undefined>;
  /** The admin API's representation (camelCase), or undefined when gone. */
  adminClient(clientId: string): Promise<Json | undefined>;
  /** Out-of-band partial update through the admin API; `changes` use the admin representation's names. */
  mutateClient(clientId: string, changes: Json): Promise<void>;
  setRedirectUris(clientId: string, uris: string[]): Promise<void>;
  /** Removes the keys with these kids from the client's registered jwks, out of band. */
  removeKeys(clientId: string, kids: string[]): Promise<void>;
  /** Deletes the client through the admin API. */
  deleteClient(clientId: string): Promise<void>;
  exists(clientId: string): Promise<boolean>;
  /** The server's start time and current resident memory (shared by every realm of a server). */
  server: { startSeconds: number; rssMiB(): number | undefined };
  /** Deletes the realm; for `startKeycloak` also stops the server. */
  close(): Promise<void>;
}

interface KeycloakServer {
  proxy: ForwardProxy;
  process: KeycloakProcess;
  /** Direct to Keycloak, claiming the proxy's Host. */
  target: HostTarget;
  masterToken(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts Keycloak and its proxy; logs the start time and RSS once. */
async function startServer(shared: boolean): Promise<KeycloakServer> {
  const adminUser = "admin";
  const adminPassword = randomBytes(24).toString("base64url");
  const kc = await launchKeycloak({ adminUser, adminPassword });
  let proxy: ForwardProxy;
  try {
    proxy = await startForwardProxy(kc.port, { unref: shared });
  } catch (err) {
    await kc.stop();
    throw err;
  }
  process.stderr.write(`keycloak: started in ${kc.startSeconds} s, RSS ${kc.group.rssMiB() ?? "?"} MiB\n`);
  const target = { origin: kc.origin, host: new URL(proxy.origin).host };
  return {
    proxy,
    process: kc,
    target,
    masterToken: () => passwordToken(target, "master", adminUser, adminPassword),
    async stop() {
      await proxy.close();
      await kc.stop();
    },
  };
}

/** Creates a realm on `server` and wraps it as a {@link KeycloakIdp}; `onClose` runs after the realm is deleted. */
async function openRealm(
  server: KeycloakServer,
  realm: string,
  opts: KeycloakRealmOptions,
  onClose: () => Promise<void>,
): Promise<KeycloakIdp> {
  const adminToken = await createRealm(server.target, await server.masterToken(), realm);
  const admin = new RealmAdmin(server.target, realm, adminToken);
  const initialAccessToken = await admin.mintIat(opts.iatCount ?? DEFAULT_IAT_COUNT, ADMIN_TOKEN_SECONDS);
  const tap = server.proxy.tap(
    (path) => path.startsWith(`/realms/${realm}/`) || path.startsWith(`/admin/realms/${realm}/`),
  );
  const issuer = `${server.proxy.origin}/realms/${realm}`;
  const tokenEndpoint = `${issuer}/protocol/openid-connect/token`;
  const mutateClient = (clientId: string, changes: Json) => admin.updateClient(clientId, changes);
  let closing: Promise<void> | undefined;
  return {
    origin: server.proxy.origin,
    realm,
    issuer,
    registrationEndpoint: `${issuer}/clients-registrations/openid-connect`,
    tokenEndpoint,
    initialAccessToken,
    mintIat: (count = 1) => admin.mintIat(count, ADMIN_TOKEN_SECONDS),
    requests: tap.log,
    clientCredentials: (clientId, key) => clientCredentialsAt(tokenEndpoint, clientId, key),
    adminToken,
    ratRenewalPath: `/admin/realms/${realm}/clients/{client_id}/registration-access-token`,
    getClient: (clientId) => admin.registrationView(clientId),
    adminClient: (clientId) => admin.client(clientId),
    mutateClient,
    setRedirectUris: (clientId, uris) => mutateClient(clientId, { redirectUris: uris }),
    async removeKeys(clientId, kids) {
      const attributes = ((await admin.client(clientId))?.attributes ?? {}) as Record<string, string>;
      const jwks = JSON.parse(attributes["jwks.string"] ?? '{"keys":[]}') as { keys: { kid?: string }[] };
      const keys = jwks.keys.filter((k) => !kids.includes(k.kid ?? ""));
      await mutateClient(clientId, { attributes: { "jwks.string": JSON.stringify({ keys }) } });
    },
    deleteClient: (clientId) => admin.deleteClient(clientId),
    exists: async (clientId) => (await admin.client(clientId)) !== undefined,
    server: { startSeconds: server.process.startSeconds, rssMiB: () => server.process.group.rssMiB() },
    close() {
      closing ??= (async () => {
        tap.detach();
        await deleteRealm(server.target, await server.masterToken(), realm);
        await onClose();
      })();
      return closing;
    },
  };
}

/**
 * Starts a Keycloak server of its own (15–40 s) with one realm ("dcr" by default); `close()`
 * deletes the realm and stops the server. Prefer {@link sharedKeycloak} in test files.
 */
export async function startKeycloak(opts: KeycloakRealmOptions = {}): Promise<KeycloakIdp> {
  const server = await startServer(false);
  try {
    return await openRealm(server, opts.realm ?? "dcr", opts, () => server.stop());
  } catch (err) {
    await server.stop();
    throw err;
  }
}

let shared: Promise<KeycloakServer> | undefined;
let realmCounter = 0;

/** Takes the shared server's process group down when the test process exits or is interrupted. */
function stopWithProcess(server: KeycloakServer): void {
  const stopNow = (): void => server.process.group.signalNow();
  process.once("exit", stopNow);
  const onSignal = (signal: NodeJS.Signals): void => {
    stopNow();
    // Keep the signal's usual effect unless someone else handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}

/**
 * A fresh realm on the one Keycloak server of this process, started on the first call (so one
 * server per test file). The server never keeps the process alive and is stopped when the process
 * exits (and by its watchdog if the process is killed); `close()` only deletes the realm.
 *
 *   const kc = await sharedKeycloak();
 *   try { ... kc.registrationEndpoint ... kc.initialAccessToken ... } finally { await kc.close(); }
 */
export async function sharedKeycloak(opts: KeycloakRealmOptions = {}): Promise<KeycloakIdp> {
  shared ??= startServer(true).then((server) => {
    stopWithProcess(server);
    return server;
  });
  const server = await shared;
  realmCounter += 1;
  return openRealm(server, opts.realm ?? `dcr-${realmCounter}`, opts, async () => {});
}
