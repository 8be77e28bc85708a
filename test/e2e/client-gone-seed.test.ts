/**
 * A client deleted at the IdP out of band, where the IdP answers 401 for it (RFC 7592 §2.1–2.3,
 * the seed fixture with `unknownClientStatus: 401`), through the real engine. With an admin API
 * the admin token tells "client gone" from "token dead": refresh drops the resource, destroy
 * succeeds, a dead token is renewed. Without one the error says what to do. The admin token is
 * passed as an INPUT here: it must serve refresh and destroy too, which get no inputs.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { createDcrStack } from "../support/dcr-stack";
import { failure } from "../support/engine-ops";
import type { DcrClientArgs } from "../../provider/args";

const count = async (stack: { exportText(): Promise<string> }) =>
  (await stack.exportText()).match(/dynamic\/dcr:DcrClient::/g)?.length ?? 0;

test("seed IdP answering 401 for a deleted client: admin token as input tells gone from dead", async () => {
  const idp = await startSeedIdp({ unknownClientStatus: 401 });
  const args: DcrClientArgs = {
    registrationEndpoint: idp.registrationEndpoint,
    updateMethod: "PATCH",
    keyAlgorithm: "ES256",
    adminToken: idp.adminToken,
  };
  const stack = await createDcrStack(
    { bff: args },
    { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } },
  );
  try {
    await stack.up();
    const id = (await stack.outputsOf("bff")).clientId as string;
    // Token dead, client alive: refresh renews it through the admin API and stores the new one.
    idp.revokeRat(id);
    await stack.refresh();
    assert.equal((await stack.outputsOf("bff")).registrationAccessToken, idp.currentRat(id));
    assert.doesNotMatch(await stack.exportText(), new RegExp(idp.adminToken), "the admin token is encrypted in state");

    // Client gone: refresh drops the resource from state.
    idp.deleteClient(id);
    const refreshed = await stack.refresh();
    assert.match(refreshed.stdout, /the client no longer exists at the IdP; it is removed from state/);
    assert.equal(await count(stack), 0);

    // up registers a new one; gone again → destroy succeeds.
    await stack.up();
    const second = (await stack.outputsOf("bff")).clientId as string;
    idp.deleteClient(second);
    const destroyed = await stack.destroy();
    assert.match(destroyed.stdout, /was already gone at the IdP/);
    assert.equal(await count(stack), 0);
  } finally {
    await stack.dispose();
  }

  // Without an admin API configured: the actionable error, nothing re-registered.
  const bare = await createDcrStack(
    { bff: { ...args, adminToken: undefined } },
    { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } },
  );
  try {
    await bare.up();
    const id = (await bare.outputsOf("bff")).clientId as string;
    idp.deleteClient(id);
    idp.requests.reset();
    const message = await failure(bare.refresh());
    assert.match(message, /\[ERR_RAT_INVALID\] /, "the error code reaches the operator");
    assert.match(
      message,
      /Either the client was deleted at the IdP .* or its registration access token was revoked or expired/,
    );
    assert.equal(idp.requests.count("POST"), 0, "never re-registered");
    assert.match(await failure(bare.destroy()), /refused the registration access token/);
  } finally {
    await bare.dispose();
    await idp.close();
  }
});
