/**
 * The signing algorithms a managed key can use, as plain data: the planners (plan/) and input
 * validation need the list without loading the crypto library that implements it (crypto.ts).
 */

/** Signing algorithms a managed key can use (JWA, RFC 7518 §3.1; EdDSA per RFC 8037). */
export type KeyAlgorithm = "RS256" | "PS256" | "ES256" | "EdDSA";

/** Every {@link KeyAlgorithm}, in documentation order. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = Object.freeze(["RS256", "PS256", "ES256", "EdDSA"]);

/** True when `alg` is one of {@link KEY_ALGORITHMS}. */
export function isKeyAlgorithm(alg: unknown): alg is KeyAlgorithm {
  return typeof alg === "string" && (KEY_ALGORITHMS as readonly string[]).includes(alg);
}
