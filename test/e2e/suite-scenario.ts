/**
 * The lifecycle every IdP of the suite must pass through the real engine, for one key
 * algorithm: create → `preview --expect-no-changes` → a no-op `up` sends 0 requests (counted at
 * the IdP) → out-of-band redirect drift found by refresh and repaired → rotation 31 days ahead
 * (DCR_NOW) publishes the new key and the stored, rotated RAT still works → the new key
 * authenticates at the token endpoint → retirement at 62 days → destroy. And a client deleted out
 * of band: with an admin API refresh drops the resource and destroy succeeds; without one both
 * stop with the actionable ERR_RAT_INVALID.
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import type { KeyAlgorithm } from "../../provider/crypto";
import type { DcrClientArgs } from "../../provider/args";
import { createDcrStack, type DcrStack } from "../support/dcr-stack";
import { failure } from "../support/engine-ops";
import { startSuiteIdp, type SuiteIdp, type SuiteIdpName } from "../support/idp-suite";

const DAY = 86400_000;
const A = "https://bff.example.com/auth/callback";
const B = "https://bff.example.com/auth/other";
const X = "https://intruder.example.com/cb";

function args(idp: SuiteIdp, alg: KeyAlgorithm): DcrClientArgs {
  return {
    ...idp.args,
    clientName: `bff-${alg}`,
    keyAlgorithm: alg,
    redirectUris: [B, A],
    metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
  };
}

/** private_key_jwt with the stack's active key, where the IdP has a token endpoint. */
async function authenticates(idp: SuiteIdp, o: Record<string, unknown>, alg: KeyAlgorithm): Promise<void> {
  if (idp.clientCredentials === undefined) return; // the seed fixture has no token endpoint: its jwks is checked instead
  const auth = await idp.clientCredentials(o.clientId as string, {
    privateKeyPem: o.privateKeyPem as string,
    kid: o.activeKid as string,
    alg,
  });
  assert.equal(auth.status, 200, `${idp.name}/${alg}: the active key authenticates: ${JSON.stringify(auth.body)}`);
}

const sorted = (a: readonly string[]): string[] => [...a].sort();

/** The lifecycle above, for `alg` on `idp`. */
export async function lifecycle(idp: SuiteIdp, alg: KeyAlgorithm): Promise<void> {
  const stack = await createDcrStack({ bff: args(idp, alg) }, { config: idp.config });
  const label = `${idp.name}/${alg}`;
  try {
    await stack.up();
    const o1 = await stack.outputsOf("bff");
    const id = o1.clientId as string;
    await authenticates(idp, o1, alg);
    assert.deepEqual(await idp.kidsAt(id), [o1.activeKid]);
    await stack.preview({ expectNoChanges: true });

    idp.requests.reset();
    await stack.up();
    assert.equal(idp.requests.count(), 0, `${label}: a no-op up sends no request`);

    // Out-of-band drift of redirect_uris: found by refresh, repaired by up.
    await idp.setRedirectUris(id, [X]);
    await stack.refresh();
    const drift = await stack.preview();
    assert.equal(drift.changeSummary.update, 1, `${label}: drift shows as an update`);
    assert.match(`${drift.stdout}${drift.stderr}`, /redirect_uris: drift at the IdP/);
    await stack.up();
    assert.deepEqual(sorted(await idp.redirectUrisAt(id)), sorted([A, B]), `${label}: repaired`);
    await stack.preview({ expectNoChanges: true });

    // Rotation 31 days ahead: the new key is published and active, the old one overlaps.
    const t0 = Date.now();
    stack.setEnv("DCR_NOW", new Date(t0 + 31 * DAY).toISOString());
    await stack.up();
    const o2 = await stack.outputsOf("bff");
    assert.notEqual(o2.activeKid, o1.activeKid);
    assert.deepEqual(
      sorted(await idp.kidsAt(id)),
      sorted([o1.activeKid as string, o2.activeKid as string]),
      `${label}: both keys published`,
    );
    await stack.refresh(); // only the stored RAT (rotated by the update, where the IdP rotates) makes this work
    await stack.preview({ expectNoChanges: true });
    await authenticates(idp, o2, alg);

    // Retirement at 62 days.
    stack.setEnv("DCR_NOW", new Date(t0 + 62 * DAY).toISOString());
    await stack.up();
    const kids = await idp.kidsAt(id);
    assert.ok(!kids.includes(o1.activeKid as string), `${label}: the first key is retired at the IdP`);
    await stack.preview({ expectNoChanges: true });
    await authenticates(idp, await stack.outputsOf("bff"), alg);

    await stack.destroy();
    assert.equal(await idp.exists(id), false, `${label}: destroy deletes the client`);
  } finally {
    await stack.dispose();
  }
}

async function dcrClientsIn(stack: DcrStack): Promise<number> {
  return (await stack.exportText()).match(/dynamic\/dcr:DcrClient::/g)?.length ?? 0;
}

/** A client deleted at the IdP out of band, then refresh, then (a new client deleted) destroy. */
export async function deletedOutOfBand(idp: SuiteIdp): Promise<void> {
  const stack = await createDcrStack({ bff: args(idp, "ES256") }, { config: idp.config });
  try {
    await stack.up();
    await idp.deleteClient((await stack.outputsOf("bff")).clientId as string);
    if (idp.adminToken === undefined) {
      // No admin API: a 401 cannot tell "deleted" from "token dead" (RFC 7592), so it stops and says so.
      const refused = await failure(stack.refresh());
      assert.match(refused, /\[ERR_RAT_INVALID\] .*Either the client was deleted at the IdP/s);
      assert.match(await failure(stack.destroy()), /\[ERR_RAT_INVALID\] /);
      return;
    }
    const refreshed = await stack.refresh();
    assert.match(refreshed.stdout, /the client no longer exists at the IdP; it is removed from state/);
    assert.equal(await dcrClientsIn(stack), 0, `${idp.name}: refresh dropped the resource`);
    await stack.up();
    const second = (await stack.outputsOf("bff")).clientId as string;
    await idp.deleteClient(second);
    const destroyed = await stack.destroy();
    assert.match(destroyed.stdout, /was already gone at the IdP/);
    assert.equal(await dcrClientsIn(stack), 0);
  } finally {
    await stack.dispose();
  }
}

/**
 * A metadata member the IdP may not know: refused with an error naming it and the IdP's words,
 * nothing lost (Keycloak: 400 Unrecognized field), or taken — kept or dropped — and converged.
 */
export async function unknownMember(idp: SuiteIdp): Promise<void> {
  const base = args(idp, "ES256");
  const stack = await createDcrStack({ bff: base }, { config: idp.config });
  try {
    await stack.up();
    const before = await stack.outputsOf("bff");
    stack.args = { bff: { ...base, metadata: { ...(base.metadata as object), x_unknown_member: "v" } } };
    let refused: string | undefined;
    try {
      await stack.up();
    } catch (e) {
      refused = (e as Error).message;
    }
    if (refused !== undefined) {
      assert.match(
        refused,
        /\[ERR_IDP_REJECTED\] .*the IdP refused member "x_unknown_member"/s,
        `${idp.name}: names the member`,
      );
      assert.match(refused, /Unrecognized field|x_unknown_member/, `${idp.name}: quotes the IdP`);
      await stack.refresh(); // the RAT in state still works: nothing was lost
      assert.equal((await stack.outputsOf("bff")).activeKid, before.activeKid);
    } else {
      await stack.preview({ expectNoChanges: true }); // kept or dropped: converged either way
    }
    stack.args = { bff: base };
    await stack.up();
    await stack.preview({ expectNoChanges: true });
    await stack.destroy();
  } finally {
    await stack.dispose();
  }
}

/** Registers the suite's tests for one IdP (one test file per IdP, so IdPs run concurrently). */
export function suiteTests(name: SuiteIdpName): void {
  const withIdp = (run: (idp: SuiteIdp) => Promise<void>) => async () => {
    const idp = await startSuiteIdp(name);
    try {
      await run(idp);
    } finally {
      await idp.close();
    }
  };
  for (const alg of ["RS256", "ES256"] as const) {
    test(
      `${name} (${alg}): create, no-op, drift, rotation, retirement, destroy`,
      withIdp((idp) => lifecycle(idp, alg)),
    );
  }
  test(`${name}: a client deleted out of band, then refresh and destroy`, withIdp(deletedOutOfBand));
  test(`${name}: a metadata member the IdP may not know`, withIdp(unknownMember));
}
