/**
 * Pure mapping between resource inputs and RFC 7591 wire metadata: what we ask for, which
 * fields we own (and so may change), and how the IdP's record compares with that.
 */
import type { DcrInputs, DesiredRecord, Jwks } from "../types";
import type { PublicJwk } from "../crypto";
import { DEFAULTS } from "../defaults";

/** Metadata members a user may not set through `metadata` (owned by dedicated inputs or the IdP). */
export const RESERVED_METADATA = [
  "jwks",
  "jwks_uri",
  "redirect_uris",
  "client_id",
  "client_secret",
  "client_id_issued_at",
  "client_secret_expires_at",
  "registration_access_token",
  "registration_client_uri",
] as const;

/** The desired state recorded in outputs (non-secret inputs with defaults applied). */
export function desiredRecord(
  inputs: DcrInputs,
  registrationEndpoint: string,
  extra: { signingKeyThumbprint?: string } = {},
): DesiredRecord {
  const record: DesiredRecord = {
    registrationEndpoint,
    keyAlgorithm: inputs.keyAlgorithm ?? DEFAULTS.keyAlgorithm,
    kidPrefix: inputs.kidPrefix ?? DEFAULTS.kidPrefix,
    rotateAfterDays: inputs.rotateAfterDays ?? DEFAULTS.rotateAfterDays,
    retireAfterDays: inputs.retireAfterDays ?? DEFAULTS.retireAfterDays,
    maxKeys: inputs.maxKeys ?? DEFAULTS.maxKeys,
    updateMethod: inputs.updateMethod ?? DEFAULTS.updateMethod,
    timeoutSeconds: inputs.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
  };
  const optional = {
    issuer: inputs.issuer,
    clientId: inputs.clientId,
    clientName: inputs.clientName,
    profile: inputs.profile,
    metadata: inputs.metadata,
    redirectUris: inputs.redirectUris,
    redirectUpdateMode: inputs.redirectUpdateMode,
    rotationSafe: inputs.rotationSafe,
    jwksUri: inputs.jwksUri,
    kid: inputs.kid,
    rotationTrigger: inputs.rotationTrigger,
    publishAheadDays: inputs.publishAheadDays,
    signingKeyThumbprint: extra.signingKeyThumbprint,
    adoptedClientId: inputs.adopt?.clientId,
    pushgatewayUrl: inputs.pushgatewayUrl,
    metricName: inputs.metricName,
    ratRenewalPath: inputs.ratRenewalPath,
    allowInsecureHttp: inputs.allowInsecureHttp,
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (record as unknown as Record<string, unknown>)[k] = v;
  }
  return record;
}

/**
 * The metadata fields this resource owns for a desired record, excluding keys and redirect
 * URIs: client_name, profile, the user's `metadata` members, the default
 * token_endpoint_auth_method when the user did not choose one, and — for `private_key_jwt` —
 * `token_endpoint_auth_signing_alg` = `keyAlgorithm` unless `metadata` sets it (an IdP that
 * enforces the registered alg and defaults it to RS256 would refuse other keys' assertions).
 */
export function ownedPlainMetadata(desired: DesiredRecord): Record<string, unknown> {
  const owned: Record<string, unknown> = {
    token_endpoint_auth_method: DEFAULTS.tokenEndpointAuthMethod,
    ...desired.metadata,
  };
  if (owned.token_endpoint_auth_method === "private_key_jwt" && owned.token_endpoint_auth_signing_alg === undefined) {
    owned.token_endpoint_auth_signing_alg = desired.keyAlgorithm;
  }
  if (desired.clientName !== undefined) owned.client_name = desired.clientName;
  if (desired.profile !== undefined) owned.profile = desired.profile;
  return owned;
}

/** Owned key field: `{ jwks_uri }` when a jwks URI is used, else the inline `{ jwks }`. */
export function ownedKeyMetadata(desired: DesiredRecord, jwks: Jwks<PublicJwk>): Record<string, unknown> {
  return desired.jwksUri !== undefined ? { jwks_uri: desired.jwksUri } : { jwks };
}
