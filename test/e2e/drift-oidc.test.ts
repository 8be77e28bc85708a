/**
 * Drift and update semantics through the real engine against oidc-provider: out-of-band changes
 * seen by refresh and repaired by up; merge mode keeps extra URIs; rotationTrigger rotates once;
 * every redirect mode checked at the IdP; settings we do not own survive every update.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startOidcIdp } from "../support/oidc-idp";
import { createDcrStack } from "../support/dcr-stack";
import type { DcrClientArgs } from "../../provider/args";

const A = "https://bff.example.com/a";
const B = "https://bff.example.com/b";
const X = "https://extra.example.com/x";

test("drift, redirect modes, trigger rotation, unowned settings survive", async () => {
  const idp = await startOidcIdp({ rotateRegistrationAccessToken: true });
  const base: DcrClientArgs = {
    registrationEndpoint: idp.registrationEndpoint,
    clientName: "bff",
    keyAlgorithm: "ES256",
    redirectUris: [A],
    metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
  };
  const stack = await createDcrStack(
    { bff: base },
    { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } },
  );
  const idpRecord = (id: string) => idp.getClient(id) as Record<string, unknown>;
  const kidsAtIdp = (id: string) =>
    ((idpRecord(id).jwks as { keys: { kid: string }[] } | undefined)?.keys ?? []).map((k) => k.kid);
  try {
    await stack.up();
    const o1 = await stack.outputsOf("bff");
    const id = o1.clientId as string;
    // Settings nobody in the program owns, set at the IdP out of band.
    idp.mutateClient(id, (r) => {
      r.contacts = ["owner@example.com"];
      r.client_uri = "https://bff.example.com";
    });

    // 3. drift: redirect_uris changed and our active kid removed at the IdP.
    idp.mutateClient(id, (r) => {
      r.redirect_uris = [X];
      r.jwks = { keys: [] };
    });
    await stack.refresh();
    const drifted = await stack.outputsOf("bff");
    assert.deepEqual(drifted.redirectUris, [X], "refresh shows the IdP's redirect_uris");
    assert.deepEqual((drifted.jwks as { keys: unknown[] }).keys, [], "refresh shows the IdP's jwks");
    assert.equal((await stack.preview()).changeSummary.update, 1);
    await stack.up();
    assert.deepEqual(idpRecord(id).redirect_uris, [A], "auto mode repaired redirect_uris");
    assert.deepEqual(kidsAtIdp(id), [o1.activeKid], "our key is published again");
    await stack.preview({ expectNoChanges: true });

    // merge mode: an extra URI at the IdP is kept and is not drift; a missing desired one is.
    stack.args = { bff: { ...base, redirectUris: [A, B], redirectUpdateMode: "merge" } };
    await stack.up();
    assert.deepEqual(idpRecord(id).redirect_uris, [A, B]);
    idp.mutateClient(id, (r) => {
      r.redirect_uris = [A, B, X];
    });
    await stack.refresh();
    await stack.preview({ expectNoChanges: true });
    idp.mutateClient(id, (r) => {
      r.redirect_uris = [X];
    });
    await stack.refresh();
    await stack.up();
    assert.deepEqual(idpRecord(id).redirect_uris, [X, A, B], "merge: existing first, then missing desired ones");

    // replace: exactly the list.
    stack.args = { bff: { ...base, redirectUris: [B], redirectUpdateMode: "replace" } };
    await stack.up();
    assert.deepEqual(idpRecord(id).redirect_uris, [B]);
    // none: never touched, even when the list changes.
    stack.args = { bff: { ...base, redirectUris: [A], redirectUpdateMode: "none" } };
    await stack.up();
    assert.deepEqual(idpRecord(id).redirect_uris, [B]);
    // rotationSafe forces merge.
    stack.args = { bff: { ...base, redirectUris: [A], rotationSafe: true } };
    await stack.up();
    assert.deepEqual(idpRecord(id).redirect_uris, [B, A]);

    // 5. rotationTrigger change rotates exactly once.
    const before = await stack.outputsOf("bff");
    stack.args = { bff: { ...base, redirectUris: [A], rotationSafe: true, rotationTrigger: "incident-42" } };
    await stack.up();
    const after = await stack.outputsOf("bff");
    assert.notEqual(after.activeKid, before.activeKid);
    assert.equal((after.keys as unknown[]).length, 2);
    await stack.preview({ expectNoChanges: true });
    // maxKeys caps: two more triggers → 3 keys at most.
    for (const t of ["t2", "t3"]) {
      stack.args = { bff: { ...base, redirectUris: [A], rotationSafe: true, rotationTrigger: t } };
      await stack.up();
    }
    const capped = await stack.outputsOf("bff");
    assert.equal((capped.keys as unknown[]).length, 3);
    assert.equal(kidsAtIdp(id).length, 3);
    const auth = await idp.clientCredentials(id, {
      privateKeyPem: capped.privateKeyPem as string,
      kid: capped.activeKid as string,
      alg: "ES256",
    });
    assert.equal(auth.status, 200);
    const privateKids = (jwks: unknown) => (jwks as { keys: { kid: string; d?: string }[] }).keys.map((k) => k.kid);
    assert.deepEqual(privateKids(capped.privateJwks), [capped.activeKid], "only the active key's private half is kept");

    // An older key removed at the IdP out of band is taken as retired: not re-published, dropped from state.
    const [, middle, oldest] = (capped.keys as { kid: string }[]).map((k) => k.kid);
    idp.mutateClient(id, (r) => {
      r.jwks = { keys: (r.jwks as { keys: { kid: string }[] }).keys.filter((k) => k.kid !== middle) };
    });
    await stack.refresh();
    const requestsBefore = idp.requests.entries.length;
    await stack.up();
    assert.equal(idp.requests.entries.length, requestsBefore, "accepting the removal sends nothing");
    const pruned = await stack.outputsOf("bff");
    assert.deepEqual(
      (pruned.keys as { kid: string }[]).map((k) => k.kid),
      [capped.activeKid, oldest],
    );
    assert.deepEqual(kidsAtIdp(id), [capped.activeKid, oldest]);
    await stack.preview({ expectNoChanges: true });

    // Settings we do not own survived every update; owned ones are as set.
    const rec = idpRecord(id);
    assert.deepEqual(rec.contacts, ["owner@example.com"]);
    assert.equal(rec.client_uri, "https://bff.example.com");
    assert.equal(rec.client_name, "bff");
    assert.deepEqual(rec.grant_types, ["authorization_code", "client_credentials"]);
    await stack.destroy();
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
