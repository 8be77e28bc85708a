/**
 * Registration access tokens issued as JWTs, for the seed-style fixture's `jwtRatTtlSeconds`
 * switch: `header.payload.signature` in base64url, HS256 with a key of the fixture's own, and an
 * `exp` a fixed time after issue. Some servers hand out such a RAT and never renew it.
 */
import { createHmac, randomBytes } from "node:crypto";

/** A token and when it stops working (epoch ms; undefined = never). */
export interface IssuedRat {
  token: string;
  expiresAt?: number;
}

/** Mints one RAT for `clientId` at fixture time `nowMs`. */
export type RatIssuer = (clientId: string, nowMs: number) => IssuedRat;

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * An issuer of HS256 JWT RATs with `exp` = issue time + `ttlSeconds` (whole seconds, as JWT
 * NumericDate), `iss` = `issuer`, `sub` = the client id and a random `jti`.
 */
export function jwtRatIssuer(issuer: string, ttlSeconds: number): RatIssuer {
  const key = randomBytes(32);
  return (clientId, nowMs) => {
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + ttlSeconds;
    const signed = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({
      iss: issuer,
      sub: clientId,
      aud: "registration",
      iat,
      exp,
      jti: randomBytes(12).toString("base64url"),
    })}`;
    const signature = createHmac("sha256", key).update(signed).digest("base64url");
    return { token: `${signed}.${signature}`, expiresAt: exp * 1000 };
  };
}
