/**
 * The two loopback IdPs every section runs against, behind one small interface: oidc-provider
 * (standard RFC 7592: GET+PUT updates, RAT rotated on every PUT) and the seed-style fixture
 * (PATCH updates). Both log every request they serve.
 */
import { startOidcIdp } from "../test/support/oidc-idp";
import { startSeedIdp } from "../test/support/seed-idp";
import type { RequestLog } from "../test/support/request-log";

export type IdpName = "oidc-provider" | "seed";

export interface BenchIdp {
  name: IdpName;
  registrationEndpoint: string;
  initialAccessToken: string;
  updateMethod: "PUT" | "PATCH";
  requests: RequestLog;
  close(): Promise<void>;
}

export async function startIdp(name: IdpName): Promise<BenchIdp> {
  if (name === "oidc-provider") {
    const idp = await startOidcIdp();
    return {
      name,
      registrationEndpoint: idp.registrationEndpoint,
      initialAccessToken: idp.initialAccessToken,
      updateMethod: "PUT",
      requests: idp.requests,
      close: () => idp.close(),
    };
  }
  const idp = await startSeedIdp();
  return {
    name,
    registrationEndpoint: idp.registrationEndpoint,
    initialAccessToken: idp.initialAccessToken,
    updateMethod: "PATCH",
    requests: idp.requests,
    close: () => idp.close(),
  };
}

/** Runs `fn` with a fresh IdP and always closes it. */
export async function withIdp<T>(name: IdpName, fn: (idp: BenchIdp) => Promise<T>): Promise<T> {
  const idp = await startIdp(name);
  try {
    return await fn(idp);
  } finally {
    await idp.close();
  }
}

/** The (method, path-shape) sequence of the requests logged since `from`, client ids elided. */
export function requestShape(requests: RequestLog, from: number): string {
  return requests.entries
    .slice(from)
    .map((e) => `${e.method} ${e.path.replace(/\/[^/]+$/, (seg) => (seg.length > 12 ? "/:id" : seg))}`)
    .join(", ");
}
