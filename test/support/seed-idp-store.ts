/**
 * The state and rules of the seed-style IdP fixture (see seed-idp.ts): client records, the one
 * live registration access token (RAT) per client, initial access tokens (IATs), metadata
 * validation and registration profiles. No HTTP here: every operation returns a `Reply`.
 */
import { randomBytes } from "node:crypto";
import type { IssuedRat, RatIssuer } from "./seed-idp-jwt";

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  /** Sent as JSON. */
  body?: Json;
  /** Sent as is (an injected failure's body); the content-type comes from `headers`. */
  text?: string;
  headers?: Record<string, string>;
}

export function errorReply(status: number, error: string, description: string): Reply {
  const reply: Reply = { status, body: { error, error_description: description } };
  if (status === 401)
    reply.headers = { "www-authenticate": `Bearer error="${error}", error_description="${description}"` };
  return reply;
}

export const invalidToken = (description: string): Reply => errorReply(401, "invalid_token", description);

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Defaults a registration `profile` fills in for fields the request did not send. */
const PROFILES: Record<string, Json> = {
  "code-flow-pkjwt": {
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "private_key_jwt",
  },
};

/** JWK members that only a private (or symmetric) key has. */
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

/** Fields the IdP manages; a PATCH may not set them. */
const SERVER_FIELDS = [
  "client_id_issued_at",
  "registration_access_token",
  "registration_client_uri",
  "client_secret",
  "client_secret_expires_at",
];

const SECRET_AUTH_METHODS = new Set(["client_secret_basic", "client_secret_post", "client_secret_jwt"]);

/** Why `record` (the metadata as it would be stored) is not acceptable, or undefined. */
export function validateMetadata(record: Json): Reply | undefined {
  const uris = record.redirect_uris;
  if (uris !== undefined) {
    if (!Array.isArray(uris))
      return errorReply(400, "invalid_redirect_uri", "redirect_uris must be an array of absolute URIs");
    for (const [i, uri] of uris.entries()) {
      if (typeof uri !== "string" || URL.parse(uri) === null) {
        return errorReply(400, "invalid_redirect_uri", `redirect_uris[${i}] must be an absolute URI`);
      }
      if (uri.includes("#"))
        return errorReply(400, "invalid_redirect_uri", `redirect_uris[${i}] must not contain a fragment`);
    }
  }
  const jwks = record.jwks;
  if (jwks !== undefined) {
    const keys = (jwks as { keys?: unknown } | null)?.keys;
    if (typeof jwks !== "object" || jwks === null || !Array.isArray(keys)) {
      return errorReply(400, "invalid_client_metadata", "jwks must be a JWK Set: an object with a keys array");
    }
    for (const [i, key] of keys.entries()) {
      if (typeof key !== "object" || key === null)
        return errorReply(400, "invalid_client_metadata", `jwks.keys[${i}] must be a JWK object`);
      const leaked = PRIVATE_JWK_MEMBERS.filter((m) => m in key);
      if (leaked.length > 0) {
        return errorReply(
          400,
          "invalid_client_metadata",
          `jwks.keys[${i}] must be a public key; it has private members ${leaked.join(", ")}`,
        );
      }
    }
    if (record.jwks_uri !== undefined)
      return errorReply(400, "invalid_client_metadata", "jwks and jwks_uri must not both be present");
  }
  if (record.jwks_uri !== undefined && (typeof record.jwks_uri !== "string" || URL.parse(record.jwks_uri) === null)) {
    return errorReply(400, "invalid_client_metadata", "jwks_uri must be an absolute URI");
  }
  return undefined;
}

interface Iat {
  usesLeft: number;
  expiresAt?: number; // epoch ms
}

/** How a store behaves; see SeedIdpOptions for the switches behind the optional members. */
export interface StoreRules {
  registrationEndpoint: string;
  /** Registrations one IAT allows unless minted with another count. */
  defaultIatUses: number;
  /** Store metadata as a real server would (seed-normalise.ts); undefined = as sent. */
  normalise?: (record: Json) => Reply | undefined;
  /** Mints RATs; defaults to opaque random tokens that never expire. */
  issueRat?: RatIssuer;
  /** `registration_client_uri` is `<endpoint>?client_id=<id>` instead of `<endpoint>/<id>`. */
  queryClientUri?: boolean;
  /** Metadata carrying `jwks` is refused (400 invalid_client_metadata); `jwks_uri` is accepted. */
  refuseInlineJwks?: boolean;
  /** The client_id the IdP chooses when the request names none. */
  chooseClientId?: () => string;
}

const opaqueRat: RatIssuer = () => ({ token: newToken() });

export class SeedStore {
  private readonly clients = new Map<string, Json>();
  private readonly rats = new Map<string, IssuedRat>();
  private readonly iats = new Map<string, Iat>();
  /** How far the fixture's clock runs ahead of the real one (advanceClock). */
  private offsetMs = 0;

  constructor(private readonly rules: StoreRules) {}

  // ---- clock -------------------------------------------------------------------------------

  /** The fixture's time (epoch ms): the real clock plus every `advance`. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  // ---- tokens ------------------------------------------------------------------------------

  /** A new IAT; `uses` defaults to the fixture's `iatUses`, `expiresInSeconds` to no expiry. */
  mintIat(uses?: number, expiresInSeconds?: number): { token: string; expiresAt?: number } {
    const token = newToken();
    const iat: Iat = { usesLeft: uses ?? this.rules.defaultIatUses };
    if (expiresInSeconds !== undefined) iat.expiresAt = this.now() + expiresInSeconds * 1000;
    this.iats.set(token, iat);
    return iat.expiresAt === undefined ? { token } : { token, expiresAt: iat.expiresAt };
  }

  private liveIat(token: string | undefined): Iat | undefined {
    const iat = token === undefined ? undefined : this.iats.get(token);
    if (!iat) return undefined;
    if (iat.usesLeft <= 0 || (iat.expiresAt !== undefined && iat.expiresAt <= this.now())) return undefined;
    return iat;
  }

  /** Issues a new RAT for the client; the previous one dies. */
  renewRat(clientId: string): string {
    const rat = (this.rules.issueRat ?? opaqueRat)(clientId, this.now());
    this.rats.set(clientId, rat);
    return rat.token;
  }

  killRat(clientId: string): void {
    this.rats.delete(clientId);
  }

  currentRat(clientId: string): string | undefined {
    return this.rats.get(clientId)?.token;
  }

  /** When the client's current RAT expires (epoch ms), if it does. */
  ratExpiresAt(clientId: string): number | undefined {
    return this.rats.get(clientId)?.expiresAt;
  }

  // ---- records -----------------------------------------------------------------------------

  get(clientId: string): Json | undefined {
    return this.clients.get(clientId);
  }

  set(clientId: string, record: Json): void {
    this.clients.set(clientId, record);
  }

  delete(clientId: string): void {
    this.clients.delete(clientId);
    this.rats.delete(clientId);
  }

  ids(): string[] {
    return [...this.clients.keys()];
  }

  /** The record as the API shows it: stored fields + registration_client_uri (+ a RAT when given). */
  view(clientId: string, rat?: string): Json {
    const body: Json = {
      ...structuredClone(this.clients.get(clientId)),
      registration_client_uri: this.clientUri(clientId),
    };
    if (rat !== undefined) body.registration_access_token = rat;
    return body;
  }

  clientUri(clientId: string): string {
    const { registrationEndpoint, queryClientUri } = this.rules;
    const id = encodeURIComponent(clientId);
    return queryClientUri === true ? `${registrationEndpoint}?client_id=${id}` : `${registrationEndpoint}/${id}`;
  }

  // ---- RFC 7591 / seed operations ---------------------------------------------------------

  register(iatToken: string | undefined, body: Json): Reply {
    const iat = this.liveIat(iatToken);
    if (!iat) return invalidToken("initial access token is missing, invalid, used up or expired");

    const { profile } = body;
    let defaults: Json = {};
    if (profile !== undefined) {
      const known = typeof profile === "string" ? PROFILES[profile] : undefined;
      if (!known)
        return errorReply(400, "invalid_client_metadata", `profile must be one of ${Object.keys(PROFILES).join(", ")}`);
      defaults = structuredClone(known);
    }
    const record: Json = { ...defaults, ...stripServerFields(body) };
    const invalid = this.refusal(record);
    if (invalid) return invalid;

    let clientId: string;
    if (body.client_id !== undefined) {
      if (typeof body.client_id !== "string" || body.client_id === "") {
        return errorReply(400, "invalid_client_metadata", "client_id must be a non-empty string");
      }
      if (this.clients.has(body.client_id))
        return errorReply(409, "invalid_client_metadata", "client_id already registered");
      clientId = body.client_id;
    } else {
      const choose = this.rules.chooseClientId ?? (() => `client-${randomBytes(8).toString("hex")}`);
      do clientId = choose();
      while (this.clients.has(clientId));
    }

    record.client_id = clientId;
    record.client_id_issued_at = Math.floor(this.now() / 1000);
    if (SECRET_AUTH_METHODS.has(String(record.token_endpoint_auth_method ?? "client_secret_basic"))) {
      record.client_secret = newToken();
      record.client_secret_expires_at = 0;
    }
    iat.usesLeft -= 1;
    this.clients.set(clientId, record);
    return { status: 201, body: this.view(clientId, this.renewRat(clientId)) };
  }

  /** RAT check shared by GET / PATCH / DELETE; undefined when the caller may proceed. */
  authorize(clientId: string, rat: string | undefined, unknownClientStatus: 401 | 404): Reply | undefined {
    if (rat === undefined) return invalidToken("a registration access token is required");
    if (!this.clients.has(clientId)) {
      return unknownClientStatus === 404
        ? errorReply(404, "not_found", "no client with this client_id")
        : invalidToken("registration access token is not valid");
    }
    const held = this.rats.get(clientId);
    if (held?.token !== rat) return invalidToken("registration access token is invalid or expired");
    if (held.expiresAt !== undefined && held.expiresAt <= this.now())
      return invalidToken("registration access token expired");
    return undefined;
  }

  /** Partial update: only the fields sent change; `null` removes a field. */
  patch(clientId: string, body: Json, rotateRat: boolean): Reply {
    if (body.client_id !== undefined && body.client_id !== clientId) {
      return errorReply(400, "invalid_request", "client_id cannot be changed");
    }
    if (body.client_secret !== undefined) {
      return errorReply(
        400,
        "invalid_client_metadata",
        "client_secret cannot be updated through DCR; use the admin API",
      );
    }
    const record = structuredClone(this.clients.get(clientId) as Json);
    for (const [field, value] of Object.entries(stripServerFields(body))) {
      if (field === "client_id") continue;
      if (value === null) delete record[field];
      else record[field] = value;
    }
    const invalid = this.refusal(record, body);
    if (invalid) return invalid;
    this.clients.set(clientId, record);
    return { status: 200, body: this.view(clientId, rotateRat ? this.renewRat(clientId) : undefined) };
  }

  /** Why `record` (as it would be stored; `sent` = the request body) is refused, or undefined. */
  private refusal(record: Json, sent: Json = record): Reply | undefined {
    if (this.rules.refuseInlineJwks === true && sent.jwks !== undefined && sent.jwks !== null) {
      return errorReply(400, "invalid_client_metadata", "jwks is not supported, use jwks_uri");
    }
    return validateMetadata(record) ?? this.rules.normalise?.(record);
  }
}

function stripServerFields(body: Json): Json {
  const copy: Json = { ...body };
  for (const field of [...SERVER_FIELDS, "profile"]) delete copy[field];
  return copy;
}
