/**
 * Public inputs of {@link DcrClient}. Every argument the program does not pass is taken from
 * stack config `dcr:<name>` (e.g. `pulumi config set dcr:rotateAfterDays 30`). Which argument
 * replaces which setting of the container-start bootstrap helper is in docs/runbook-mapping.md.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { KeyAlgorithm } from "./key-algorithms";
import type { RedirectUpdateMode } from "./plan/redirects";

/** Credentials of an existing client to take over instead of registering a new one. */
export interface DcrAdoptArgs {
  /** The existing client's `client_id`. */
  clientId: pulumi.Input<string>;
  /** A valid Registration Access Token for it (secret). */
  registrationAccessToken: pulumi.Input<string>;
  /** Its `registration_client_uri`; defaults to `<registration endpoint>/<client_id>`. */
  registrationClientUri?: pulumi.Input<string>;
}

/** Arguments of {@link DcrClient}. */
export interface DcrClientArgs {
  /**
   * The IdP's RFC 7591 registration endpoint, e.g. `https://idp.example.com/api/oidc/register`.
   * One of `registrationEndpoint` or `issuer` is required. https is required except for loopback.
   * Changing it replaces the client.
   * @see RFC 7591 §3
   */
  registrationEndpoint?: pulumi.Input<string>;
  /**
   * The IdP's issuer URL; the registration endpoint is read from
   * `<issuer>/.well-known/openid-configuration`. Changing it replaces the client.
   */
  issuer?: pulumi.Input<string>;
  /**
   * Initial Access Token, needed only to create the client (secret). Prefer
   * `pulumi config set --secret dcr:initialAccessToken …`: read from config it never enters state.
   * Removing or changing it after the client exists changes nothing.
   * @see RFC 7591 §3
   */
  initialAccessToken?: pulumi.Input<string>;
  /** `true`: the IdP allows registration without an Initial Access Token. Defaults to false. */
  openRegistration?: pulumi.Input<boolean>;
  /**
   * How updates are sent. `"PUT"` (RFC 7592 §2.2): read the client, overlay the fields this
   * resource owns, send the full record. `"PATCH"`: send only the owned fields (IdPs that accept only PATCH).
   * Defaults to "PUT".
   */
  updateMethod?: pulumi.Input<"PUT" | "PATCH">;
  /** Desired `client_id` for IdPs that honour one. Changing it replaces the client. */
  clientId?: pulumi.Input<string>;
  /** `client_name` metadata. Owned by this resource once set. */
  clientName?: pulumi.Input<string>;
  /** IdP client profile/template sent as `profile` (a template some IdPs offer, e.g. `code-flow-pkjwt`). */
  profile?: pulumi.Input<string>;
  /**
   * Any other RFC 7591 / OIDC client metadata (snake_case wire names), passed through and owned
   * by this resource: changing a value updates the client; keys not listed are never touched.
   * `jwks`, `jwks_uri`, `redirect_uris`, `client_id` and credentials are not allowed here.
   * Defaults to `{ token_endpoint_auth_method: "private_key_jwt" }` plus the signing alg.
   * An IdP may answer a member with another value than the one sent (RFC 7591 §3.2.1: Keycloak
   * adds "none" to `response_types` and drops `contacts`): that answer is taken as applied, with
   * one warning naming the member and both values, and is not re-sent until this input changes or
   * the IdP's value moves. Set-valued members (`grant_types`, `response_types`, `contacts`, …) and
   * the `scope` token list compare as sets.
   * @see RFC 7591 §2
   */
  metadata?: pulumi.Input<Record<string, pulumi.Input<unknown>>>;
  /**
   * `redirect_uris` to ensure; how they are applied follows
   * `redirectUpdateMode`. Absolute URLs without fragment. Not given → never touched.
   */
  redirectUris?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * `"auto"` (default): set the list when it differs; `"replace"`: exactly this list;
   * `"merge"`: existing ∪ given, existing order first, no duplicates; `"none"`: never touch.
   */
  redirectUpdateMode?: pulumi.Input<RedirectUpdateMode>;
  /** Non-destructive rotation: forces `redirectUpdateMode` "merge". Defaults to false. */
  rotationSafe?: pulumi.Input<boolean>;
  /**
   * Register this `jwks_uri` instead of an inline `jwks`; the application then serves the
   * `jwks` output at that URL. Keys are still generated and rotated here.
   */
  jwksUri?: pulumi.Input<string>;
  /**
   * Signing algorithm of generated keys, also registered as `token_endpoint_auth_signing_alg`
   * (unless `metadata` sets it) so IdPs that enforce the registered alg accept the assertions.
   * Defaults to "RS256" (RSA 2048). Changing it rotates: the new key and the new alg
   * are published in one request.
   */
  keyAlgorithm?: pulumi.Input<KeyAlgorithm>;
  /** Kid of the FIRST key; later keys get generated kids. */
  kid?: pulumi.Input<string>;
  /** Prefix of generated kids: `<prefix>-<yyyymmddThhmmssZ>`. Defaults to "dcr". */
  kidPrefix?: pulumi.Input<string>;
  /**
   * Bring your own private key (PKCS#8 or PKCS#1/SEC1 PEM; secret) as the
   * active key instead of a generated one. Changing it publishes the new key.
   */
  signingKeyPem?: pulumi.Input<string>;
  /** Days after which a new key is generated and becomes active; 0 rotates on every update. Defaults to 30. */
  rotateAfterDays?: pulumi.Input<number>;
  /** Days after which a non-active key is dropped; <= 0 disables. Defaults to 60. */
  retireAfterDays?: pulumi.Input<number>;
  /** Most keys kept (the active one always); <= 0 disables the cap. Defaults to 3. */
  maxKeys?: pulumi.Input<number>;
  /**
   * Days before the active key's rotation is due (`rotateAfterDays` after it became active) that
   * the next key is generated and published — in the client's `jwks` at the IdP, or in the `jwks`
   * output with `jwksUri` — without signing yet; on the due date it becomes the active key
   * (`activeKid`, `privateKeyPem` and `privateJwks` switch) with no request to the IdP, which has
   * held it since publication. Meanwhile `nextKid`, `nextKeyActivatesAt` and the secret
   * `nextPrivateKeyPem` show it, so an application can pre-load it. For IdPs that cache a
   * `jwks_uri` document or replicate with delay. A key never becomes active before it has been
   * published this long (a late `pulumi up` delays the switch; the key then stays active
   * `rotateAfterDays` from its activation), and retirement still counts from a key's creation.
   * Whole days, less than `rotateAfterDays`; needs `maxKeys` >= 3 or <= 0 (previous, active and
   * next key are held together) and `retireAfterDays` > `rotateAfterDays` + this. Does not apply
   * to rotations that are immediate: `rotationTrigger`, `rotateAfterDays: 0`, a `keyAlgorithm`
   * change or a new `signingKeyPem` publish and activate at once (a key waiting is dropped).
   * 0 = the new key is published and becomes active in the same update. Defaults to 0.
   */
  publishAheadDays?: pulumi.Input<number>;
  /** Any string; changing it rotates the key once. */
  rotationTrigger?: pulumi.Input<string>;
  /** Take over an existing client (no Initial Access Token needed). */
  adopt?: pulumi.Input<DcrAdoptArgs>;
  /**
   * Admin token (secret) for the IdP's admin API at
   * `ratRenewalPath`. When the IdP refuses the Registration Access Token (401/403), it is renewed
   * there and the request retried once; when the admin API says the client does not exist (404),
   * the client is taken as gone: `pulumi refresh` drops the resource and `pulumi destroy`
   * succeeds (RFC 7592 servers answer 401 for a deleted client, so only an admin API can tell
   * "deleted" from "token dead"). Given here it is kept as a secret output so refresh and destroy
   * use it too; `dcr:adminToken` secret config works the same and never enters state. Changing it
   * never causes a diff. No default: without it a refused token fails with ERR_RAT_INVALID.
   *
   * Keycloak: a bearer access token of an account allowed to manage clients in the realm (e.g. a
   * service-account client with the realm-management `manage-clients` role), with
   * `ratRenewalPath: "/admin/realms/<realm>/clients/{client_id}/registration-access-token"`
   * (Keycloak's DCR client_id is also its internal id). Keycloak access tokens are short-lived:
   * mint one right before `pulumi up`/`refresh`/`destroy` and pass it as `dcr:adminToken`.
   */
  adminToken?: pulumi.Input<string>;
  /**
   * Path (or absolute URL) of the IdP's admin endpoint that issues a new Registration Access
   * Token; `{client_id}` is substituted; POSTed with `adminToken`; the answer carries the token as
   * `registration_access_token` (or Keycloak's `registrationAccessToken`). Relative paths resolve
   * against the origin of the client's registration URI. Defaults to the seed-style IdP's
   * "/api/admin/dcr/clients/{client_id}/tokens"; for Keycloak
   * "/admin/realms/<realm>/clients/{client_id}/registration-access-token".
   */
  ratRenewalPath?: pulumi.Input<string>;
  /**
   * Prometheus Pushgateway base URL for the status metric (`metricName`): after each create,
   * update and refresh the client's group (job `pulumi_dcr`, label `client_id`) holds one sample
   * with `status` = success, rat_cached, rat_invalid or jwks_rotation_failed. A Pushgateway that
   * cannot be reached only logs a warning. No default: nothing is pushed.
   */
  pushgatewayUrl?: pulumi.Input<string>;
  /** Name of the status metric. Defaults to "bff_dcr_status" (the bootstrap helper's, for existing alerts). */
  metricName?: pulumi.Input<string>;
  /** Per-request timeout in seconds. Defaults to 30. */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * RISK — allow plain `http://` towards an IdP that is not on loopback, e.g. `http://idp-app:8002`
   * on a container network you control. Tokens (Initial/Registration Access Token, admin token)
   * and the client's metadata then travel unencrypted: anyone on that network can read and replay
   * them. Every operation logs a warning while it is set; a token is still never sent to another
   * origin than its own, and redirects are still never followed. Defaults to false (https is
   * required except for 127.0.0.0/8, ::1 and localhost).
   */
  allowInsecureHttp?: pulumi.Input<boolean>;
}

/**
 * How each argument travels, typed over every key of DcrClientArgs so none can be left out:
 * - `plain`: passed, or taken from `dcr:<name>` config, into the inputs;
 * - `secret`: wrapped with pulumi.secret when passed; from config it is NOT copied into inputs
 *   (state would keep it) — the provider reads it from stack config itself;
 * - `secretInput`: wrapped with pulumi.secret when passed, and from config read as a secret.
 */
export const ARG_HANDLING = {
  registrationEndpoint: "plain",
  issuer: "plain",
  initialAccessToken: "secret",
  openRegistration: "plain",
  updateMethod: "plain",
  clientId: "plain",
  clientName: "plain",
  profile: "plain",
  metadata: "plain",
  redirectUris: "plain",
  redirectUpdateMode: "plain",
  rotationSafe: "plain",
  jwksUri: "plain",
  keyAlgorithm: "plain",
  kid: "plain",
  kidPrefix: "plain",
  signingKeyPem: "secret",
  rotateAfterDays: "plain",
  retireAfterDays: "plain",
  maxKeys: "plain",
  publishAheadDays: "plain",
  rotationTrigger: "plain",
  adopt: "secretInput",
  adminToken: "secret",
  ratRenewalPath: "plain",
  pushgatewayUrl: "plain",
  metricName: "plain",
  timeoutSeconds: "plain",
  allowInsecureHttp: "plain",
} as const satisfies Record<keyof DcrClientArgs, "plain" | "secret" | "secretInput">;

/** Names of every argument: config defaults and validation derive from them. */
export type ArgName = keyof typeof ARG_HANDLING;
export const ARG_NAMES = Object.keys(ARG_HANDLING) as ArgName[];

/** Arguments the provider reads from secret stack config itself (never copied into inputs). */
export type ConfigSecretArg = { [K in ArgName]: (typeof ARG_HANDLING)[K] extends "secret" ? K : never }[ArgName];
export const SECRET_ARGS = ARG_NAMES.filter((n): n is ConfigSecretArg => ARG_HANDLING[n] === "secret");
