/**
 * pulumi-dcr: an OAuth 2.0 client owned through Dynamic Client Registration (RFC 7591/7592),
 * with its private_key_jwt signing keys generated and rotated by policy.
 */
export { DcrClient } from "./resource";
export type { DcrClientArgs, DcrAdoptArgs } from "./args";
export { DcrError, isDcrError, type DcrErrorCode } from "./errors";
export type { KeyAlgorithm, PublicJwk } from "./crypto";
export type { RedirectUpdateMode } from "./plan/redirects";
export type { Jwks, KeyRecord } from "./types";
