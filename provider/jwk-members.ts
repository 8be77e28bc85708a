/**
 * The one list of JWK members that carry private or symmetric key material, shared by the key
 * code (what a public JWK must not have) and the protocol layer (refusing and redacting them in
 * what an IdP answers). A plain module: no dependency.
 */

/** JWK members only a private or symmetric key has (RFC 7518 §6.3.2, §6.3.2.7 `oth`, §6.4 `k`). */
export const PRIVATE_JWK_MEMBERS: readonly string[] = Object.freeze(["d", "p", "q", "dp", "dq", "qi", "k", "oth"]);
