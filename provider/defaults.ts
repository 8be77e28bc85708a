/**
 * Every default of pulumi-dcr, once, each beside what it means. Inputs, the key planner and the
 * HTTP layer all take their defaults from here.
 */
export const DEFAULTS = {
  /** Signing algorithm of generated keys (RSA 2048, as the bootstrap helper used). */
  keyAlgorithm: "RS256",
  /** Prefix of generated kids: `<prefix>-<yyyymmddThhmmssZ>`. */
  kidPrefix: "dcr",
  /** RFC 7592 PUT (read-modify-write); "PATCH" for seed-style IdPs. */
  updateMethod: "PUT",
  /** Client authentication the registration asks for. */
  tokenEndpointAuthMethod: "private_key_jwt",
  /** Days a key is active before the next one takes over (the helper's BFF_JWK_ROTATE_AFTER_DAYS). */
  rotateAfterDays: 30,
  /** Days after creation at which a key no longer active is dropped (BFF_JWK_RETIRE_AFTER_DAYS). */
  retireAfterDays: 60,
  /** Most keys kept, the active one always (BFF_JWK_MAX_KEYS). */
  maxKeys: 3,
  /** Days the next key is published before it becomes active; 0 = publish and activate together. */
  publishAheadDays: 0,
  /** Per-request timeout, in seconds (each attempt). */
  timeoutSeconds: 30,
  /** Extra attempts for idempotent requests on network errors, timeouts, 429 and 5xx. */
  retries: 3,
  /** Base of the jittered exponential backoff between attempts, in milliseconds. */
  retryBaseMs: 200,
  /** Longest wait a `Retry-After` header is honoured for, in milliseconds. */
  maxRetryAfterMs: 30_000,
  /** Most bytes read of a response body. */
  maxBodyBytes: 1024 * 1024,
  /** Name of the status metric pushed to a Pushgateway (the bootstrap helper's, kept for its alerts). */
  metricName: "bff_dcr_status",
  /** The seed-style IdP's admin endpoint that issues a new registration access token. */
  ratRenewalPath: "/api/admin/dcr/clients/{client_id}/tokens",
} as const;
