/**
 * An IdP that stores metadata its own way (the seed fixture with `normalise`, modelled on
 * Keycloak: response_types ["code"] → ["code","none"], contacts dropped, sets sorted, unknown
 * members refused, the RAT rotated on every update) through the real engine: the resource
 * converges — one warning per substituted member, `preview --expect-no-changes` clean, a no-op
 * `up` sends nothing — while real drift still shows and a refused member is named.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { createDcrStack } from "../support/dcr-stack";
import { failure } from "../support/engine-ops";
import type { DcrClientArgs } from "../../provider/args";

const DAY = 86400_000;
const A = "https://a.example.com/cb";
const B = "https://b.example.com/cb";

test("normalising IdP: converges, warns once, finds real drift, names a refused member", async () => {
  const idp = await startSeedIdp({ normalise: true, rotateRatOnUpdate: true });
  const base: DcrClientArgs = {
    registrationEndpoint: idp.registrationEndpoint,
    updateMethod: "PATCH",
    clientName: "bff",
    keyAlgorithm: "ES256",
    redirectUris: [B, A],
    metadata: {
      response_types: ["code"],
      grant_types: ["client_credentials", "authorization_code"],
      contacts: ["ops@example.com"],
    },
  };
  const stack = await createDcrStack(
    { bff: base },
    { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } },
  );
  try {
    const created = await stack.up();
    const id = (await stack.outputsOf("bff")).clientId as string;
    assert.match(
      created.stdout,
      /response_types: \["code"\] was sent and the IdP holds \["code","none"\]; taken as applied/,
    );
    assert.match(created.stdout, /contacts: \["ops@example.com"\] was sent and the IdP did not keep it \(dropped\)/);
    assert.doesNotMatch(created.stdout, /redirect_uris: .* was sent/, "a reordered set is not a substitution");
    assert.deepEqual(idp.getClient(id)?.redirect_uris, [A, B], "the IdP sorted the set");
    await stack.preview({ expectNoChanges: true });

    idp.requests.reset();
    const noop = await stack.up();
    assert.equal(idp.requests.count(), 0, "no-op up: zero requests at the IdP");
    assert.doesNotMatch(noop.stdout, /taken as applied/, "the warning is given once, at the write");
    await stack.refresh();
    assert.equal(idp.requests.count("GET"), 1);
    await stack.preview({ expectNoChanges: true });

    // Real drift: an admin sets response_types back to ["code"] (away from what the IdP answered).
    idp.mutateClient(id, (r) => {
      r.response_types = ["code"];
    });
    await stack.refresh();
    const drift = await stack.preview();
    assert.equal(drift.changeSummary.update, 1);
    // `preview --diff` prints no property for this update (the SDK's dynamic-provider host drops
    // detailedDiff), so the reason is a warning, which --diff shows.
    assert.match(`${drift.stdout}${drift.stderr}`, /warning: DcrClient \S+: response_types: drift at the IdP/);
    idp.requests.reset();
    await stack.up();
    assert.equal(idp.requests.count("PATCH"), 1, "one PATCH repairs it");
    assert.deepEqual(idp.getClient(id)?.response_types, ["code", "none"]);
    await stack.preview({ expectNoChanges: true });

    // A member the IdP does not know: refused, named, nothing lost (the RAT still works).
    stack.args = { bff: { ...base, metadata: { ...(base.metadata as object), frobnicate: "yes" } } };
    const refused = await failure(stack.up());
    assert.match(refused, /\[ERR_IDP_REJECTED\] .*the IdP refused member "frobnicate"/);
    assert.match(refused, /Unrecognized field/);
    stack.args = { bff: base };
    await stack.refresh();
    await stack.preview({ expectNoChanges: true });

    // Rotation 31 days ahead: one PATCH with the new key; the rotated RAT is stored and works.
    stack.setEnv("DCR_NOW", new Date(Date.now() + 31 * DAY).toISOString());
    idp.requests.reset();
    await stack.up();
    assert.equal(idp.requests.count("PATCH"), 1);
    const rotated = await stack.outputsOf("bff");
    assert.equal(rotated.registrationAccessToken, idp.currentRat(id), "the rotated RAT is in state");
    assert.equal((rotated.keys as unknown[]).length, 2);
    await stack.refresh();
    await stack.preview({ expectNoChanges: true });
    await stack.destroy();
    assert.equal(idp.getClient(id), undefined);
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
