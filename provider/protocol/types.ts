/**
 * Wire types of the protocol layer: RFC 7591 client metadata (snake_case, as sent and received),
 * the handle that manages one client (RFC 7592), and the options every request takes.
 */
import { DEFAULTS } from "../defaults";

/** RFC 7591 client metadata as it travels on the wire (snake_case members). */
export type ClientMetadata = Record<string, unknown>;

/**
 * What it takes to manage one registered client (RFC 7592 §1).
 *
 * Mutable on purpose: every function that receives a response carrying a new
 * `registration_access_token`, `registration_client_uri` or `client_secret` updates the handle
 * IN PLACE before it does anything else, so the caller never loses a rotated token even when a
 * later step throws.
 */
export interface ClientHandle {
  clientId: string;
  /** Where the client is read, updated and deleted (RFC 7592 §1). */
  registrationClientUri: string;
  /** Bearer token for `registrationClientUri`; secret. */
  registrationAccessToken: string;
  /** Issued only for secret-based client authentication; secret. */
  clientSecret?: string;
}

/** One client as the IdP holds it. */
export interface ClientRecord {
  /** The handle the operation ran with (the caller's own object for read/update), already updated. */
  handle: ClientHandle;
  /** The IdP's record minus `registration_access_token`, `registration_client_uri` and `client_secret`. */
  metadata: ClientMetadata;
  /** RFC 7591 `client_secret_expires_at` (seconds since the epoch; 0 = never), when the IdP sent one. */
  clientSecretExpiresAt?: number;
}

/** Timeouts, retries and limits of each HTTP request. */
export interface RequestOptions {
  /** Per attempt, in milliseconds (`AbortSignal.timeout`). Defaults to 30000. */
  timeoutMs?: number;
  /**
   * Extra attempts after the first for idempotent requests (GET, PUT, PATCH, DELETE, RAT renewal)
   * on network errors, timeouts, 429 and 5xx. Registration (POST) is retried only when the
   * connection was refused, i.e. nothing was sent. Defaults to 3.
   */
  retries?: number;
  /** Base of the jittered exponential backoff, in milliseconds. Defaults to 200. */
  retryBaseMs?: number;
  /** Upper bound for waiting on a `Retry-After` header, in milliseconds. Defaults to 30000. */
  maxRetryAfterMs?: number;
  /** At most this many bytes of a response body are read; more → ERR_IDP_RESPONSE. Defaults to 1 MiB. */
  maxBodyBytes?: number;
  /** Diagnostic sink (retries, renewals). Never receives token values. */
  log?: (message: string) => void;
  /**
   * Allow plain http towards a non-loopback IdP (an explicit, risky opt-in for a private network).
   * A token is still never sent to another origin than the one it belongs to. Defaults to false.
   */
  allowInsecureHttp?: boolean;
  /** The fetch every request goes through. Defaults to the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /**
   * The provider's clock (it honours DCR_NOW), used to tell whether a refused registration access
   * token had expired. Defaults to the current time.
   */
  now?: Date;
}

/** How a refused registration access token is renewed through the IdP's admin API. */
export interface RenewalOptions {
  /** Admin bearer token for the renewal endpoint; without it a refused RAT is an ERR_RAT_INVALID. Secret. */
  adminToken?: string;
  /**
   * Renewal endpoint template; `{client_id}` is replaced by the URL-encoded client id. A relative
   * path is resolved against the origin of `registration_client_uri`; an absolute URL is used as
   * is (https unless loopback). Defaults to `/api/admin/dcr/clients/{client_id}/tokens`.
   */
  ratRenewalPath?: string;
}

/** Options of every management operation: requests and renewal. */
export type ManageOptions = RequestOptions & RenewalOptions;

/** Options of {@link updateClient} beyond requests and renewal. */
export interface UpdateOptions {
  /**
   * The IdP's record as last seen (e.g. by the previous read). Used by PATCH only: when the owned
   * fields switch between `jwks` and `jwks_uri`, the other member is sent as `null` (removed) only
   * when this record holds it. Without it, a PATCH the IdP rejects because the record already
   * holds the other member is repaired with one GET and one more PATCH.
   */
  current?: ClientMetadata;
}

/** Default {@link RenewalOptions.ratRenewalPath}. */
export const DEFAULT_RAT_RENEWAL_PATH = DEFAULTS.ratRenewalPath;

/** JWK members only a private or symmetric key has: the one list, in provider/jwk-members.ts. */
export { PRIVATE_JWK_MEMBERS } from "../jwk-members";

/** Response members that are credentials, never metadata. */
export const CREDENTIAL_MEMBERS: readonly string[] = [
  "registration_access_token",
  "registration_client_uri",
  "client_secret",
];
