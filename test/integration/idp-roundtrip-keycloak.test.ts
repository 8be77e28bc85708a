/**
 * Round trips with plain fetch against a real Keycloak (test/support/keycloak-version) on
 * loopback: what its RFC 7591/7592 endpoints, its admin renewal and its token endpoint do,
 * measured and pinned. One Keycloak server and one realm for the whole file.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { clientAssertion } from "../support/client-assertion";
import { sharedKeycloak, type KeycloakIdp } from "../support/keycloak";
import {
  call,
  es256Key,
  kidsOf,
  putBody,
  registration,
  testKey,
  type Answer,
  type Json,
  type TestKey,
} from "../support/plain-dcr";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALGS = ["RS256", "PS256", "ES256", "EdDSA"] as const;

let kc: KeycloakIdp;
before(async () => {
  kc = await sharedKeycloak();
});
after(async () => {
  await kc?.close();
});

/** POST to the registration endpoint with the realm's IAT, another `token`, or none (`null`). */
const register = (body: Json, token?: string | null): Promise<Answer> =>
  call(kc.registrationEndpoint, {
    method: "POST",
    token: token === null ? undefined : (token ?? kc.initialAccessToken),
    body,
  });

/** client_credentials with `key`, signed with the alg its public JWK names. */
const tokenWith = (clientId: string, key: TestKey) =>
  kc.clientCredentials(clientId, { privateJwk: key.privateJwk, kid: key.kid, alg: key.publicJwk.alg as string });

/** A registered client and its management handle. */
async function registered(body: Json): Promise<{ clientId: string; uri: string; rat: string; answer: Json }> {
  const created = await register(body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return {
    clientId: created.body.client_id as string,
    uri: created.body.registration_client_uri as string,
    rat: created.body.registration_access_token as string,
    answer: created.body,
  };
}

test("keycloak: discovery, registration_client_uri and token issuer all name the counting proxy; out-of-band reads are not counted", async () => {
  kc.requests.reset();
  const discovery = await call(`${kc.issuer}/.well-known/openid-configuration`);
  assert.equal(discovery.status, 200);
  assert.equal(discovery.body.issuer, kc.issuer);
  assert.equal(discovery.body.registration_endpoint, kc.registrationEndpoint);
  assert.equal(discovery.body.token_endpoint, kc.tokenEndpoint);

  const key = await es256Key("k1");
  const { clientId, answer } = await registered(registration(key));
  assert.match(clientId, UUID, "client_id is a UUID");
  assert.equal(answer.registration_client_uri, `${kc.registrationEndpoint}/${clientId}`);
  const token = await tokenWith(clientId, key);
  assert.equal(token.status, 200, JSON.stringify(token.body));
  assert.equal(jose.decodeJwt(token.body.access_token as string).iss, kc.issuer);

  assert.ok(await kc.exists(clientId));
  assert.deepEqual(kidsOf(await kc.getClient(clientId)), ["k1"]);
  assert.deepEqual(
    kc.requests.entries.map((e) => `${e.method} ${e.path} ${e.status}`),
    [
      `GET /realms/${kc.realm}/.well-known/openid-configuration 200`,
      `POST /realms/${kc.realm}/clients-registrations/openid-connect 201`,
      `POST /realms/${kc.realm}/protocol/openid-connect/token 200`,
    ],
  );
  assert.equal(kc.requests.entries[1]?.authorization, `Bearer ${kc.initialAccessToken}`);
});

test("keycloak: the registration answer — response_types substituted, grant_types and redirect_uris in its own order, members dropped and added", async () => {
  const key = await es256Key("k1");
  const uris = [
    "https://e.example.com/cb",
    "https://d.example.com/cb",
    "https://c.example.com/x",
    "https://c.example.com/a",
    "https://b.example.com/cb",
    "https://a.example.com/cb",
  ];
  const body = registration(key, {
    redirect_uris: uris,
    grant_types: ["refresh_token", "client_credentials", "authorization_code"],
    contacts: ["ops@example.com"],
    client_uri: "https://app.example.com",
    logo_uri: "https://app.example.com/logo.png",
    policy_uri: "https://app.example.com/policy",
    software_id: "bff",
    application_type: "web",
  });
  const a = (await registered(body)).answer;
  const b = (await registered({ ...body, redirect_uris: [...uris].reverse() })).answer;

  assert.deepEqual([...(a.redirect_uris as string[])].sort(), [...uris].sort(), "the same set of redirect_uris");
  // Sent in opposite orders, answered in one order: so not the order sent (nor alphabetical).
  assert.deepEqual(a.redirect_uris, b.redirect_uris, "a redirect_uris set always comes back in Keycloak's own order");
  assert.notDeepEqual(a.redirect_uris, [...uris].sort());
  assert.deepEqual(a.post_logout_redirect_uris, a.redirect_uris, "post_logout_redirect_uris added: the redirect_uris");
  assert.deepEqual(
    a.grant_types,
    ["authorization_code", "client_credentials", "refresh_token"],
    "grant_types in a fixed order",
  );
  assert.deepEqual(a.response_types, ["code", "none"], 'response_types ["code"] answered as ["code", "none"]');
  for (const dropped of ["contacts", "logo_uri", "policy_uri", "software_id", "application_type"]) {
    assert.equal(a[dropped], undefined, `${dropped} is dropped`);
  }
  assert.equal(a.client_uri, "https://app.example.com", "client_uri is kept");
  assert.equal(typeof a.scope, "string", "scope added (the realm's optional client scopes)");
  assert.equal(a.subject_type, "public");
  assert.deepEqual(a.request_uris, []);
  for (const flag of [
    "tls_client_certificate_bound_access_tokens",
    "dpop_bound_access_tokens",
    "require_pushed_authorization_requests",
    "backchannel_logout_session_required",
    "frontchannel_logout_session_required",
  ]) {
    assert.equal(a[flag], false, `${flag}: false added`);
  }
  assert.deepEqual(a.jwks, { keys: [key.publicJwk] }, "jwks echoed with kid, alg and use");
  assert.equal(a.token_endpoint_auth_method, "private_key_jwt");
  assert.equal(a.token_endpoint_auth_signing_alg, "ES256", "token_endpoint_auth_signing_alg echoed");
  assert.equal(a.client_secret, undefined, "private_key_jwt: no client_secret in the answer");
  assert.equal(typeof a.client_id_issued_at, "number");

  const derived = (await registered(registration(key, { grant_types: ["client_credentials"] }))).answer;
  assert.deepEqual(
    derived.grant_types,
    ["authorization_code", "client_credentials"],
    "grant_types are derived: response_types code adds authorization_code",
  );
  const noCode = (await registered(registration(key, { grant_types: ["authorization_code"] }))).answer;
  assert.deepEqual(noCode.grant_types, ["authorization_code"]);
});

test("keycloak: RFC 7592 — GET keeps the RAT, PATCH 405, a failed PUT keeps it, PUT rotates it, DELETE 204 then 401", async () => {
  const key = await es256Key("k1");
  const { uri, rat: rat1 } = await registered(registration(key));

  const read = await call(uri, { token: rat1 });
  assert.equal(read.status, 200);
  assert.equal(read.body.registration_access_token, rat1, "GET answers with the same RAT");
  assert.equal((await call(uri, { token: rat1 })).status, 200, "GET does not rotate");

  const patch = await call(uri, { method: "PATCH", token: rat1, body: { client_name: "x" } });
  assert.equal(patch.status, 405);
  assert.deepEqual(patch.body, { error: "HTTP 405 Method Not Allowed" });

  const unknown = await call(uri, {
    method: "PUT",
    token: rat1,
    body: { ...putBody(read.body, {}), profile: "code-flow-pkjwt" },
  });
  assert.equal(unknown.status, 400);
  assert.deepEqual(Object.keys(unknown.body), ["error"], "no error_description");
  assert.match(
    String(unknown.body.error),
    /^Invalid json representation for OIDCClientRepresentation\. Unrecognized field "profile" at line 1 column \d+\.$/,
  );
  const fragment = await call(uri, {
    method: "PUT",
    token: rat1,
    body: putBody(read.body, { redirect_uris: ["https://app.example.com/cb#frag"] }),
  });
  assert.equal(fragment.status, 400);
  assert.deepEqual(fragment.body, {
    error: "invalid_redirect_uri",
    error_description: "A redirect URI must not contain an URL fragment",
  });
  const notUri = await call(uri, {
    method: "PUT",
    token: rat1,
    body: putBody(read.body, { redirect_uris: ["not a uri"] }),
  });
  assert.deepEqual([notUri.status, notUri.body.error], [400, "invalid_redirect_uri"]);
  assert.equal((await call(uri, { token: rat1 })).status, 200, "failed PUTs did not rotate the RAT");

  const updated = await call(uri, {
    method: "PUT",
    token: rat1,
    body: putBody(read.body, { client_name: "bff-renamed" }),
  });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  assert.equal(updated.body.client_name, "bff-renamed");
  const rat2 = updated.body.registration_access_token as string;
  assert.notEqual(rat2, rat1, "PUT answers with a new RAT");
  const stale = await call(uri, { token: rat1 });
  assert.equal(stale.status, 401);
  assert.equal(stale.body.error, "invalid_token");
  assert.equal((await call(uri, { token: rat2 })).status, 200);

  assert.equal((await call(uri, { method: "DELETE", token: rat2 })).status, 204);
  const gone = await call(uri, { token: rat2 });
  assert.deepEqual([gone.status, gone.body.error], [401, "invalid_token"], "a deleted client reads as 401, not 404");
  const again = await call(uri, { method: "DELETE", token: rat2 });
  assert.deepEqual([again.status, again.body.error], [401, "invalid_token"]);
});

test("keycloak: PUT — omitted members mostly stay, but token_endpoint_auth_signing_alg goes and the auth method falls back to client_secret_basic; no client_id is a 500", async () => {
  const key = await es256Key("k1");
  const { uri, rat } = await registered(
    registration(key, { redirect_uris: ["https://app.example.com/a", "https://app.example.com/b"] }),
  );
  const current = (await call(uri, { token: rat })).body;
  let token = rat;
  const put = async (body: Json): Promise<Answer> => {
    const answer = await call(uri, { method: "PUT", token, body });
    if (answer.status === 200) token = answer.body.registration_access_token as string;
    return answer;
  };
  const without = (...fields: string[]): Json => {
    const body = putBody(current, {});
    for (const field of fields) delete body[field];
    return body;
  };

  const kept = await put(without("client_name", "redirect_uris", "grant_types"));
  assert.equal(kept.status, 200);
  assert.equal(kept.body.client_name, "bff", "an omitted client_name is kept (not a full replacement)");
  assert.deepEqual(kept.body.redirect_uris, current.redirect_uris, "omitted redirect_uris are kept");
  assert.deepEqual(kept.body.grant_types, current.grant_types);
  assert.equal((await put(putBody(current, { client_name: null }))).body.client_name, "bff", "null is ignored");
  assert.deepEqual((await put(putBody(current, { redirect_uris: [] }))).body.redirect_uris, [], "[] empties the list");
  const noAlg = await put(without("token_endpoint_auth_signing_alg"));
  assert.equal(
    noAlg.body.token_endpoint_auth_signing_alg,
    undefined,
    "an omitted token_endpoint_auth_signing_alg is removed",
  );
  const noMethod = await put(without("token_endpoint_auth_method"));
  assert.equal(noMethod.status, 200);
  assert.equal(
    noMethod.body.token_endpoint_auth_method,
    "client_secret_basic",
    "an omitted token_endpoint_auth_method resets to client_secret_basic",
  );

  const noClientId = await put(without("client_id"));
  assert.deepEqual([noClientId.status, noClientId.body.error], [500, "unknown_error"]);
  const otherClientId = await put(putBody(current, { client_id: "another" }));
  assert.deepEqual([otherClientId.status, otherClientId.body.error], [500, "unknown_error"]);
  assert.equal((await call(uri, { token })).status, 200, "the 500s did not rotate the RAT either");
});

test("keycloak: registration errors, and another client's RAT is refused without harming it", async () => {
  const key = await es256Key("k1");
  const noIat = await register(registration(key), null);
  assert.equal(noIat.status, 403, "anonymous registration: the Trusted Hosts policy refuses loopback");
  assert.equal(noIat.body.error, "insufficient_scope");
  const wrongIat = await register(registration(key), "not-an-iat");
  assert.deepEqual([wrongIat.status, wrongIat.body.error], [401, "invalid_token"]);
  const fragment = await register(registration(key, { redirect_uris: ["https://app.example.com/cb#frag"] }));
  assert.deepEqual([fragment.status, fragment.body.error], [400, "invalid_redirect_uri"]);
  for (const [what, extra] of [
    ["a private JWK", { jwks: { keys: [key.privateJwk] } }],
    ["jwks and jwks_uri", { jwks_uri: "https://app.example.com/jwks.json" }],
    ["private_key_jwt without keys", { jwks: undefined }],
  ] as const) {
    const res = await register(registration(key, extra));
    assert.deepEqual(
      [res.status, res.body.error, res.body.error_description],
      [400, "invalid_client_metadata", "Client metadata invalid"],
      what,
    );
  }
  const wanted = await register(registration(key, { client_id: "my-client" }));
  assert.deepEqual(
    wanted.body,
    { error: "invalid_client_metadata", error_description: "Client Identifier included" },
    "no client_id of one's choosing",
  );

  const a = await registered(registration(key));
  const b = await registered(registration(key));
  const crossed = await call(a.uri, { token: b.rat });
  assert.deepEqual([crossed.status, crossed.body.error], [401, "invalid_token"]);
  assert.equal((await call(b.uri, { token: b.rat })).status, 200, "B's RAT still works");
});

test("keycloak: admin renewal answers 200 with a camelCase ClientRepresentation; the old RAT dies; unknown client 404", async () => {
  const key = await es256Key("k1");
  const { clientId, uri, rat } = await registered(registration(key));
  const renewalUrl = (id: string) => `${kc.origin}${kc.ratRenewalPath.replace("{client_id}", id)}`;

  const renewed = await call(renewalUrl(clientId), { method: "POST", token: kc.adminToken });
  assert.equal(renewed.status, 200);
  assert.equal(typeof renewed.body.registrationAccessToken, "string");
  assert.equal(renewed.body.registration_access_token, undefined, "no snake_case registration_access_token");
  assert.equal(renewed.body.clientId, clientId);
  assert.equal(renewed.body.id, clientId, "the DCR client_id is the internal id too");
  assert.equal(renewed.body.client_id, undefined);
  assert.equal(typeof renewed.body.secret, "string", "the answer carries a client secret (even for private_key_jwt)");
  assert.equal(renewed.body.clientAuthenticatorType, "client-jwt");
  assert.equal((await call(uri, { token: rat })).status, 401, "the old RAT is dead");
  assert.equal((await call(uri, { token: renewed.body.registrationAccessToken as string })).status, 200);

  const unknown = await call(renewalUrl("00000000-0000-0000-0000-000000000000"), {
    method: "POST",
    token: kc.adminToken,
  });
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, { error: "Could not find client" });
  const badAdmin = await call(renewalUrl(clientId), { method: "POST", token: "not-an-admin-token" });
  assert.equal(badAdmin.status, 401);
});

test("keycloak: private_key_jwt client_credentials with RS256, PS256, ES256 and EdDSA, each registered as token_endpoint_auth_signing_alg", async () => {
  for (const alg of ALGS) {
    const key = await testKey(alg, `kid-${alg}`);
    const { clientId, answer } = await registered(registration(key, { token_endpoint_auth_signing_alg: alg }));
    assert.equal(answer.token_endpoint_auth_signing_alg, alg);
    const token = await tokenWith(clientId, key);
    assert.equal(token.status, 200, `${alg}: ${JSON.stringify(token.body)}`);
  }
});

test("keycloak: the registered token_endpoint_auth_signing_alg is enforced; without one any registered key's alg is accepted; an assertion is single-use", async () => {
  const keys = Object.fromEntries(
    await Promise.all(ALGS.map(async (alg) => [alg, await testKey(alg, `kid-${alg}`)] as const)),
  ) as Record<(typeof ALGS)[number], TestKey>;
  const pinned = await registered(
    registration(keys.RS256, {
      token_endpoint_auth_signing_alg: "RS256",
      jwks: { keys: [keys.RS256.publicJwk, keys.ES256.publicJwk] },
    }),
  );
  assert.equal((await tokenWith(pinned.clientId, keys.RS256)).status, 200);
  const refused = await tokenWith(pinned.clientId, keys.ES256);
  assert.equal(refused.status, 400, "a registered ES256 key signing with ES256 is refused when RS256 is registered");
  assert.deepEqual(refused.body, { error: "invalid_client", error_description: "Invalid signature algorithm" });

  const open = registration(keys.RS256, { jwks: { keys: ALGS.map((alg) => keys[alg].publicJwk) } });
  delete open.token_endpoint_auth_signing_alg;
  const free = await registered(open);
  assert.equal(free.answer.token_endpoint_auth_signing_alg, undefined, "none registered: none in the answer");
  for (const alg of ALGS)
    assert.equal((await tokenWith(free.clientId, keys[alg])).status, 200, `none registered: ${alg} accepted`);

  const assertion = await clientAssertion(
    free.clientId,
    { privateJwk: keys.ES256.privateJwk, kid: keys.ES256.kid, alg: "ES256" },
    kc.issuer,
  );
  const form = {
    grant_type: "client_credentials",
    client_id: free.clientId,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  };
  assert.equal((await call(kc.tokenEndpoint, { method: "POST", form })).status, 200, "aud = issuer is accepted too");
  const replay = await call(kc.tokenEndpoint, { method: "POST", form });
  assert.deepEqual([replay.status, replay.body.error_description], [400, "Token reuse detected"]);
});

test("keycloak: a key added by PUT authenticates at once, a removed one fails at once (PUT or out of band); no client_credentials grant → no service account", async () => {
  const [keyA, keyB] = [await es256Key("key-a"), await es256Key("key-b")];
  const { clientId, uri, rat } = await registered(registration(keyA));
  assert.equal(
    (await kc.adminClient(clientId))?.serviceAccountsEnabled,
    true,
    "client_credentials in grant_types → service account",
  );
  assert.equal((await tokenWith(clientId, keyA)).status, 200);
  const unknownKey = await tokenWith(clientId, keyB);
  assert.deepEqual(
    [unknownKey.status, unknownKey.body.error, unknownKey.body.error_description],
    [400, "invalid_client", "Unable to load public key"],
  );

  const current = (await call(uri, { token: rat })).body;
  const added = await call(uri, {
    method: "PUT",
    token: rat,
    body: putBody(current, { jwks: { keys: [keyA.publicJwk, keyB.publicJwk] } }),
  });
  assert.equal(added.status, 200);
  assert.equal((await tokenWith(clientId, keyB)).status, 200, "the added key works at once");
  assert.equal((await tokenWith(clientId, keyA)).status, 200);
  const removed = await call(uri, {
    method: "PUT",
    token: added.body.registration_access_token as string,
    body: putBody(current, { jwks: { keys: [keyB.publicJwk] } }),
  });
  assert.equal(removed.status, 200);
  assert.equal((await tokenWith(clientId, keyA)).status, 400, "the removed key fails at once");
  assert.equal((await tokenWith(clientId, keyB)).status, 200);

  const other = await registered(registration(keyA, { jwks: { keys: [keyA.publicJwk, keyB.publicJwk] } }));
  await kc.removeKeys(other.clientId, ["key-a"]);
  assert.deepEqual(kidsOf(await kc.getClient(other.clientId)), ["key-b"]);
  assert.equal((await tokenWith(other.clientId, keyA)).status, 400, "removed out of band: fails at once");
  assert.equal((await tokenWith(other.clientId, keyB)).status, 200);

  const codeOnly = await registered(registration(keyA, { grant_types: ["authorization_code"] }));
  assert.equal((await kc.adminClient(codeOnly.clientId))?.serviceAccountsEnabled, false);
  const noGrant = await tokenWith(codeOnly.clientId, keyA);
  assert.deepEqual([noGrant.status, noGrant.body.error], [401, "unauthorized_client"]);
});

test("keycloak harness: out-of-band setRedirectUris, mutateClient and deleteClient; getClient touches no RAT", async () => {
  const key = await es256Key("k1");
  const { clientId, uri, rat } = await registered(registration(key));
  const viaAdmin = await kc.getClient(clientId);
  assert.equal(viaAdmin?.registration_access_token, undefined, "read with the admin token: no RAT in it");
  assert.equal(viaAdmin?.client_secret, undefined);
  assert.equal((await call(uri, { token: rat })).status, 200, "the client's RAT is untouched");

  await kc.setRedirectUris(clientId, ["https://drift.example.com/cb"]);
  await kc.mutateClient(clientId, { name: "drifted" });
  const drifted = await call(uri, { token: rat });
  assert.deepEqual(drifted.body.redirect_uris, ["https://drift.example.com/cb"]);
  assert.equal(drifted.body.client_name, "drifted");
  assert.deepEqual(drifted.body.jwks, viaAdmin?.jwks, "a partial admin update leaves the rest alone");

  await kc.deleteClient(clientId);
  assert.equal(await kc.exists(clientId), false);
  assert.equal(await kc.getClient(clientId), undefined);
  assert.equal((await call(uri, { token: rat })).status, 401);
});
