/**
 * A real oidc-provider (9.x) on 127.0.0.1 configured for Dynamic Client Registration (RFC 7591)
 * and Client Registration Management (RFC 7592): POST /reg, GET/PUT/DELETE /reg/:id, client
 * credentials with private_key_jwt. Its storage is an in-memory adapter this harness can reach,
 * so tests can read, change or delete a client record behind the provider's back (drift).
 */
import type * as http from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import * as jose from "jose";
import { startLoggedServer, type RequestLog } from "./request-log";

export interface OidcIdpOptions {
  /** oidc-provider's `features.registrationManagement.rotateRegistrationAccessToken`. Defaults to true. */
  rotateRegistrationAccessToken?: boolean;
  /**
   * Registered by default for clients that do not send `token_endpoint_auth_signing_alg`; the
   * provider then accepts client assertions of that alg only (as some IdPs do, with RS256).
   * Defaults to none: any enabled alg is accepted.
   */
  defaultAuthSigningAlg?: string;
}

export interface OidcIdp {
  issuer: string;
  registrationEndpoint: string;
  tokenEndpoint: string;
  initialAccessToken: string;
  requests: RequestLog;
  /** private_key_jwt client_credentials request at the token endpoint; key = private JWK (with kid & alg) or a PKCS#8 PEM string + kid + alg */
  clientCredentials(
    clientId: string,
    key: { privateJwk?: Record<string, unknown>; privateKeyPem?: string; kid: string; alg: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** out-of-band access to the stored client record (the raw metadata oidc-provider keeps), for drift tests */
  getClient(clientId: string): Record<string, unknown> | undefined;
  /** Every registered client's id, from the IdP's storage (oidc-provider has no API to list clients). */
  clientIds(): string[];
  /**
   * A new registration access token for the client, issued the way oidc-provider issues one at
   * registration (what an IdP admin does with the provider's own API; there is no HTTP endpoint).
   */
  issueRegistrationAccessToken(clientId: string): Promise<string>;
  mutateClient(clientId: string, mutate: (record: Record<string, unknown>) => void): void;
  deleteClient(clientId: string): void;
  close(): Promise<void>;
}

/** The client-authentication algorithms the provider accepts for private_key_jwt. */
const CLIENT_AUTH_ALGS = ["RS256", "PS256", "ES256", "EdDSA"];

// ---------------------------------------------------------------------------------------------
// Storage: one Map per IdP, shared by every model's adapter instance.

interface Stored {
  payload: Record<string, unknown>;
  expiresAt?: number; // epoch ms
}

class AdapterStore {
  private readonly items = new Map<string, Stored>();

  get(model: string, id: string): Record<string, unknown> | undefined {
    const key = `${model}:${id}`;
    const item = this.items.get(key);
    if (!item) return undefined;
    if (item.expiresAt !== undefined && item.expiresAt <= Date.now()) {
      this.items.delete(key);
      return undefined;
    }
    return item.payload;
  }

  set(model: string, id: string, payload: Record<string, unknown>, expiresInSeconds?: number): void {
    const item: Stored = { payload };
    if (typeof expiresInSeconds === "number") item.expiresAt = Date.now() + expiresInSeconds * 1000;
    this.items.set(`${model}:${id}`, item);
  }

  /** Replaces the payload, keeping the expiry. */
  replace(model: string, id: string, payload: Record<string, unknown>): void {
    const item = this.items.get(`${model}:${id}`);
    if (item) item.payload = payload;
  }

  delete(model: string, id: string): void {
    this.items.delete(`${model}:${id}`);
  }

  /** Live payloads of one model, with their ids. */
  *entries(model: string): Generator<[string, Record<string, unknown>]> {
    const prefix = `${model}:`;
    for (const key of [...this.items.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const id = key.slice(prefix.length);
      const payload = this.get(model, id);
      if (payload) yield [id, payload];
    }
  }
}

/** An oidc-provider Adapter class bound to `store` (oidc-provider instantiates it once per model name). */
function adapterClass(store: AdapterStore) {
  return class HarnessAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
      store.set(this.model, id, structuredClone(payload), expiresIn);
    }

    async find(id: string): Promise<Record<string, unknown> | undefined> {
      const payload = store.get(this.model, id);
      return payload === undefined ? undefined : structuredClone(payload);
    }

    async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      for (const [, payload] of store.entries(this.model)) if (payload.uid === uid) return structuredClone(payload);
      return undefined;
    }

    async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
      for (const [, payload] of store.entries(this.model))
        if (payload.userCode === userCode) return structuredClone(payload);
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const payload = store.get(this.model, id);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [id, payload] of store.entries(this.model))
        if (payload.grantId === grantId) store.delete(this.model, id);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// oidc-provider is ESM-only; Node ≥ 22.12 loads it through require(esm). It ships no types, so
// the little surface this harness uses is declared here.

interface OidcProvider {
  callback(): http.RequestListener;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  RegistrationAccessToken: new (init: { clientId: string }) => { save(): Promise<string> };
}
type OidcProviderClass = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;

function loadProvider(): OidcProviderClass {
  const mod = require("oidc-provider") as { Provider: OidcProviderClass };
  return mod.Provider;
}

async function readJson(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return { value: parsed };
  } catch {
    return { raw: text };
  }
}

/** A configured oidc-provider. */
async function configuredProvider(
  issuer: string,
  initialAccessToken: string,
  store: AdapterStore,
  options: OidcIdpOptions,
): Promise<OidcProvider> {
  const Provider = loadProvider();
  // Own signing keys and cookie keys keep oidc-provider's "development-only" warnings quiet.
  const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
  const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: "idp-sig-1", alg: "RS256", use: "sig" };
  const provider = new Provider(issuer, {
    adapter: adapterClass(store),
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: { enabled: true, initialAccessToken },
      registrationManagement: {
        enabled: true,
        rotateRegistrationAccessToken: options.rotateRegistrationAccessToken ?? true,
      },
    },
    enabledJWA: { clientAuthSigningAlgValues: CLIENT_AUTH_ALGS },
    ...(options.defaultAuthSigningAlg === undefined
      ? {}
      : {
          clientDefaults: {
            grant_types: ["authorization_code"],
            id_token_signed_response_alg: "RS256",
            response_types: ["code"],
            token_endpoint_auth_method: "client_secret_basic",
            token_endpoint_auth_signing_alg: options.defaultAuthSigningAlg,
          },
        }),
    ttl: { ClientCredentials: 600 },
  });
  return provider;
}

export async function startOidcIdp(options: OidcIdpOptions = {}): Promise<OidcIdp> {
  const store = new AdapterStore();
  // The issuer needs the port, the provider needs the issuer: listen first, attach the provider after.
  const app: { handler?: http.RequestListener; provider?: OidcProvider } = {};
  const { port, requests, close } = await startLoggedServer((req, res) => {
    if (app.handler) {
      app.handler(req, res);
    } else {
      res.statusCode = 503;
      res.end();
    }
  });

  const issuer = `http://127.0.0.1:${port}`;
  const initialAccessToken = randomBytes(32).toString("base64url");
  try {
    app.provider = await configuredProvider(issuer, initialAccessToken, store, options);
    app.handler = app.provider.callback();
  } catch (err) {
    await close();
    throw err;
  }
  const tokenEndpoint = `${issuer}/token`;

  return {
    issuer,
    registrationEndpoint: `${issuer}/reg`,
    tokenEndpoint,
    initialAccessToken,
    requests,

    async clientCredentials(clientId, key) {
      if (!key.privateJwk && !key.privateKeyPem)
        throw new Error("clientCredentials: pass key.privateJwk or key.privateKeyPem");
      const signingKey = key.privateJwk
        ? await jose.importJWK(key.privateJwk as jose.JWK, key.alg)
        : await jose.importPKCS8(key.privateKeyPem as string, key.alg);
      const assertion = await new jose.SignJWT({})
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(tokenEndpoint)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime("60s")
        .sign(signingKey);
      const res = await fetch(tokenEndpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: clientId,
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: assertion,
        }),
      });
      return { status: res.status, body: await readJson(res) };
    },

    getClient(clientId) {
      const payload = store.get("Client", clientId);
      return payload === undefined ? undefined : structuredClone(payload);
    },

    clientIds() {
      return [...store.entries("Client")].map(([id]) => id);
    },

    async issueRegistrationAccessToken(clientId) {
      if (store.get("Client", clientId) === undefined)
        throw new Error(`issueRegistrationAccessToken: no client ${clientId}`);
      const Token = (app.provider as OidcProvider).RegistrationAccessToken;
      return new Token({ clientId }).save();
    },

    mutateClient(clientId, mutate) {
      const payload = store.get("Client", clientId);
      if (payload === undefined) throw new Error(`mutateClient: no client ${clientId}`);
      const copy = structuredClone(payload);
      mutate(copy);
      store.replace("Client", clientId, copy);
    },

    deleteClient(clientId) {
      store.delete("Client", clientId);
    },

    close,
  };
}
