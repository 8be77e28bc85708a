/**
 * The provider's resolved world: what the engine hands to check/diff/create/update
 * (`DcrInputs`, camelCase, no `pulumi.Input`) and what the provider returns (`DcrOutputs`).
 * The public, `pulumi.Input`-wrapped twin is `DcrClientArgs` in args.ts.
 */
import type { PublicJwk } from "./crypto";
import type { KeyAlgorithm } from "./key-algorithms";
import type { Applied } from "./plan/applied";
import type { RedirectUpdateMode } from "./plan/redirects";

/** Credentials of an existing client to take over (the seed helper's creds JSON). */
export interface AdoptInputs {
  clientId: string;
  registrationAccessToken: string;
  registrationClientUri?: string;
}

/** Resolved inputs, after check() normalised them. */
export interface DcrInputs {
  registrationEndpoint?: string;
  issuer?: string;
  initialAccessToken?: string;
  openRegistration?: boolean;
  updateMethod?: "PUT" | "PATCH";
  clientId?: string;
  clientName?: string;
  profile?: string;
  metadata?: Record<string, unknown>;
  redirectUris?: string[];
  redirectUpdateMode?: RedirectUpdateMode;
  rotationSafe?: boolean;
  jwksUri?: string;
  keyAlgorithm?: KeyAlgorithm;
  kid?: string;
  kidPrefix?: string;
  signingKeyPem?: string;
  rotateAfterDays?: number;
  retireAfterDays?: number;
  maxKeys?: number;
  publishAheadDays?: number;
  rotationTrigger?: string;
  adopt?: AdoptInputs;
  adminToken?: string;
  ratRenewalPath?: string;
  pushgatewayUrl?: string;
  metricName?: string;
  timeoutSeconds?: number;
  allowInsecureHttp?: boolean;
}

/** One signing key this resource created (or imported), as recorded in state. */
export interface KeyRecord {
  /** The key's `kid`. */
  kid: string;
  /** Its signing algorithm. */
  alg: KeyAlgorithm;
  /** When it was generated or imported (ISO-8601); retirement counts from here. */
  createdAt: string;
  /** While the key is published ahead of use: when it becomes active. */
  activatesAt?: string;
  /** For a key that was published ahead: when it became active (its rotation counts from here). */
  activatedAt?: string;
}

/** A JWK Set. */
export interface Jwks<K = PublicJwk> {
  keys: K[];
}

/**
 * The non-secret inputs that decide what the client should look like, with defaults applied,
 * recorded in the outputs because the engine hands `diff` the old OUTPUTS, not the old inputs.
 * Secrets are never part of it: a bring-your-own key is recorded by thumbprint, an adopted
 * client by id.
 */
export type DesiredRecord = Pick<
  DcrInputs,
  | "issuer"
  | "clientId"
  | "clientName"
  | "profile"
  | "metadata"
  | "redirectUris"
  | "redirectUpdateMode"
  | "rotationSafe"
  | "jwksUri"
  | "kid"
  | "rotationTrigger"
  | "pushgatewayUrl"
  | "metricName"
  | "ratRenewalPath"
  | "allowInsecureHttp"
  | "publishAheadDays"
> &
  Required<
    Pick<
      DcrInputs,
      | "keyAlgorithm"
      | "kidPrefix"
      | "rotateAfterDays"
      | "retireAfterDays"
      | "maxKeys"
      | "updateMethod"
      | "timeoutSeconds"
    >
  > & {
    /** The resolved registration endpoint (discovered when `issuer` was given). */
    registrationEndpoint: string;
    /** RFC 7638 thumbprint of a bring-your-own key (never the key). */
    signingKeyThumbprint?: string;
    /** client_id of an adopted client (never its RAT). */
    adoptedClientId?: string;
  };

/** Outputs, as stored in state (secret ones listed in SECRET_OUTPUTS). */
export interface DcrOutputs {
  clientId: string;
  registrationClientUri: string;
  /** Secret. */
  registrationAccessToken: string;
  /** Secret, only when the IdP issued one. */
  clientSecret?: string;
  clientSecretExpiresAt?: number;
  registrationEndpoint: string;
  /** The public JWK Set the IdP holds for the client (ours and any it had that we did not create). */
  jwks: Jwks;
  activeKid: string;
  /** Secret: PKCS#8 PEM of the active key. */
  privateKeyPem: string;
  /** Secret: the active key's private JWK (older keys' private halves are discarded). */
  privateJwks: Jwks<Record<string, unknown>>;
  keys: KeyRecord[];
  /** redirect_uris as the IdP holds them. */
  redirectUris: string[];
  /** When the next key step becomes due — publication, activation, rotation or retirement (ISO-8601), if any. */
  nextRotationAt?: string;
  /** The key published ahead of use (publishAheadDays > 0): it does not sign until nextKeyActivatesAt. */
  nextKid?: string;
  /** When nextKid becomes the active key (ISO-8601). */
  nextKeyActivatesAt?: string;
  /** Secret: PKCS#8 PEM of nextKid, to pre-load before it becomes active. */
  nextPrivateKeyPem?: string;
  /** The client's metadata as the IdP holds it (credentials removed). */
  metadata: Record<string, unknown>;
  /** Every kid this resource ever used; kids are never reused. */
  usedKids: string[];
  /** rotationTrigger value at the last rotation. */
  appliedTrigger?: string;
  /**
   * Owned members the IdP answered differently from what was sent at the last write (canonical
   * forms): taken as applied as the IdP holds them, so they are not drift (plan/applied.ts).
   */
  applied?: Applied;
  /** Secret: the `adminToken` input, kept so refresh and delete (which get no inputs) can renew a RAT too. */
  adminToken?: string;
  /** What the inputs asked for at the last successful create/update. */
  desired: DesiredRecord;
}

/** Outputs that must be secret in state. */
export const SECRET_OUTPUTS = [
  "registrationAccessToken",
  "clientSecret",
  "privateKeyPem",
  "privateJwks",
  "nextPrivateKeyPem",
  "adminToken",
] as const;
