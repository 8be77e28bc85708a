/**
 * Servers that bend RFC 7592 in what they serve, through the real engine against the seed-style
 * fixture: management that reads but neither updates nor deletes (404 or 405 to PATCH/PUT/DELETE:
 * never taken as "client gone", so destroy leaves no silent orphan), a registration_client_uri
 * with a query string (the whole lifecycle there), and inline jwks refused (jwksUri mode works).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { failure, stateDelete } from "../support/engine-ops";
import { REDIRECT, REDIRECT_2, stateOf, withBentSeed } from "../support/bent-stack";

const REG = "/api/oidc/register";
const DAY = 86_400_000;

test("read but no update or delete (404): ERR_IDP_UNSUPPORTED, refresh still reads, destroy keeps state and client", async () => {
  await withBentSeed({ readOnlyManagement: 404 }, {}, async ({ idp, stack, args }) => {
    await stack.up();
    const id = (await stack.outputsOf("bff")).clientId as string;

    stack.args = { bff: { ...args, redirectUris: [REDIRECT, REDIRECT_2] } };
    const updating = await failure(stack.up());
    assert.match(updating, /\[ERR_IDP_UNSUPPORTED\] /, updating);
    assert.match(updating, /does not support/);
    assert.deepEqual(idp.getClient(id)?.redirect_uris, [REDIRECT], "nothing changed at the IdP");
    assert.equal(idp.requests.count("POST", REG), 1, "never re-registered");

    idp.requests.reset();
    await stack.refresh();
    assert.equal(idp.requests.count("GET"), 1, "refresh reads the client");
    assert.equal((await stack.outputsOf("bff")).clientId, id, "and keeps it");

    idp.requests.reset();
    const destroying = await failure(stack.destroy());
    assert.match(destroying, /\[ERR_IDP_UNSUPPORTED\] /, destroying);
    assert.match(destroying, /does not support/);
    assert.match(destroying, /pulumi state delete/);
    assert.equal(idp.requests.count("DELETE"), 1, "DELETE sent once");
    assert.equal(idp.requests.count("GET"), 1, "one GET with the same token tells unsupported from gone");
    const kept = await stateOf(stack);
    assert.equal(kept?.outputs.clientId, id, "the resource stays in state");
    assert.notEqual(idp.getClient(id), undefined, "the client still exists at the IdP: no silent orphan");

    // What the message tells the operator to do, after deleting the client in the IdP admin.
    idp.deleteClient(id);
    await stateDelete(stack, kept?.urn as string);
    assert.equal(await stateOf(stack), undefined);
  });
});

test("read but no delete (405): destroy fails ERR_IDP_UNSUPPORTED naming `pulumi state delete`, state kept", async () => {
  await withBentSeed({ readOnlyManagement: 405 }, {}, async ({ idp, stack }) => {
    await stack.up();
    const id = (await stack.outputsOf("bff")).clientId as string;
    const destroying = await failure(stack.destroy());
    assert.match(destroying, /\[ERR_IDP_UNSUPPORTED\] /, destroying);
    assert.match(destroying, /does not support/);
    assert.match(destroying, /pulumi state delete/);
    assert.equal((await stateOf(stack))?.outputs.clientId, id, "the resource stays in state");
    assert.notEqual(idp.getClient(id), undefined, "the client still exists at the IdP");
  });
});

test("a registration_client_uri with a query string: create, no-op, update, refresh and destroy all go there", async () => {
  await withBentSeed({ queryClientUri: true }, {}, async ({ idp, stack, args }) => {
    await stack.up();
    const outs = await stack.outputsOf("bff");
    const id = outs.clientId as string;
    assert.equal(outs.registrationClientUri, `${idp.registrationEndpoint}?client_id=${encodeURIComponent(id)}`);
    await stack.preview({ expectNoChanges: true });

    idp.requests.reset();
    await stack.up();
    assert.equal(idp.requests.count(), 0, "no-op up: zero requests");

    stack.args = { bff: { ...args, redirectUris: [REDIRECT, REDIRECT_2] } };
    await stack.up();
    assert.deepEqual(idp.getClient(id)?.redirect_uris, [REDIRECT, REDIRECT_2], "updated");
    await stack.refresh();
    await stack.preview({ expectNoChanges: true });
    await stack.destroy();
    assert.deepEqual(idp.clientIds(), [], "deleted");
    // The fixture serves a client only at its query URI (…/register/<id> is 404): every call went there.
    for (const method of ["PATCH", "GET", "DELETE"]) assert.ok(idp.requests.count(method) > 0, `${method} sent`);
    for (const e of idp.requests.entries) {
      assert.equal(e.path, REG, `${e.method} went to the query URI`);
      assert.ok(e.status < 300, `${e.method} answered ${e.status}`);
    }
  });
});

test("inline jwks refused: ERR_IDP_REJECTED pointing to jwksUri; with jwksUri it registers and rotates", async () => {
  const jwksUri = "https://bff.example.com/.well-known/jwks.json";
  await withBentSeed({ refuseInlineJwks: true }, {}, async ({ idp, stack, args }) => {
    const refused = await failure(stack.up());
    assert.match(refused, /\[ERR_IDP_REJECTED\] /, refused);
    assert.match(refused, /jwksUri/);
    assert.deepEqual(idp.clientIds(), [], "nothing registered");
    assert.equal(await stateOf(stack), undefined);

    stack.args = { bff: { ...args, jwksUri } };
    await stack.up();
    const first = await stack.outputsOf("bff");
    const id = first.clientId as string;
    assert.equal(idp.getClient(id)?.jwks_uri, jwksUri);
    assert.equal(idp.getClient(id)?.jwks, undefined);

    // Rotation 31 days on: the app serves the new jwks output; nothing is sent to the IdP.
    idp.requests.reset();
    stack.setEnv("DCR_NOW", new Date(Date.now() + 31 * DAY).toISOString());
    await stack.up();
    assert.equal(idp.requests.count(), 0, "rotation in jwksUri mode needs no request");
    const rotated = await stack.outputsOf("bff");
    assert.notEqual(rotated.activeKid, first.activeKid);
    const kids = (rotated.jwks as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    assert.ok(kids.includes(rotated.activeKid as string), "the jwks output holds the new key");
    await stack.destroy();
    assert.deepEqual(idp.clientIds(), []);
  });
});
