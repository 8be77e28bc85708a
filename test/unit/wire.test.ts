/**
 * The protocol layer's pure parts, with in-memory values (no server): update bodies (PUT
 * read-modify-write, PATCH of owned members), client-information answers (validation, taking a
 * rotated token, refusing hostile answers), the rejected-member reader and the output mappers.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { patchBody, putBody } from "../../provider/protocol/update-body";
import { absorb, parseClientInfo, recordOf } from "../../provider/protocol/response";
import { rejectedMembers } from "../../provider/protocol/rejection";
import { handleOf, metadataOf, observed, withoutSchedule } from "../../provider/plan/outputs";
import { desiredRecord } from "../../provider/plan/metadata";
import { isDcrError } from "../../provider/errors";
import type { ClientHandle } from "../../provider/protocol/types";
import type { DcrOutputs } from "../../provider/types";

const URI = "https://idp.example.com/reg/c1";

test("putBody: the IdP's record without server members, owned members laid over, the rival key member gone", () => {
  const current = {
    client_id: "c1",
    client_name: "old",
    scope: "openid",
    jwks_uri: "https://app.example.com/jwks",
    registration_access_token: "rat",
    registration_client_uri: URI,
    client_id_issued_at: 1,
    client_secret_expires_at: 0,
    client_secret: "s",
  };
  const body = putBody("c1", current, { client_name: "new", jwks: { keys: [] }, contacts: null, skipped: undefined });
  assert.deepEqual(body, { client_id: "c1", client_name: "new", scope: "openid", jwks: { keys: [] } });
  assert.equal(current.client_name, "old", "the caller's record is not changed");
});

test("patchBody: only owned members; the rival key member nulled only when the IdP holds it; server members never", () => {
  assert.deepEqual(patchBody({ jwks: { keys: [] }, client_name: "x", skipped: undefined }), {
    jwks: { keys: [] },
    client_name: "x",
  });
  assert.deepEqual(patchBody({ jwks_uri: "https://app.example.com/jwks" }, { jwks: { keys: [] } }), {
    jwks_uri: "https://app.example.com/jwks",
    jwks: null,
  });
  assert.deepEqual(patchBody({ jwks_uri: "https://app.example.com/jwks" }, { jwks: null }), {
    jwks_uri: "https://app.example.com/jwks",
  });
  assert.deepEqual(patchBody({ client_secret: "s", registration_access_token: "r" }), {});
});

test("client-information answers: validated, a rotated RAT taken first, hostile answers refused", () => {
  const handle: ClientHandle = { clientId: "c1", registrationClientUri: URI, registrationAccessToken: "old" };
  const body = {
    client_id: "c1",
    registration_access_token: "new",
    registration_client_uri: URI,
    client_name: "bff",
    jwks: { keys: [{ kty: "EC", kid: "k" }] },
  };
  absorb(handle, body, "reading");
  assert.equal(handle.registrationAccessToken, "new");
  const record = recordOf(handle, parseClientInfo(body, "reading"), "reading");
  assert.deepEqual(
    record.metadata,
    { client_id: "c1", client_name: "bff", jwks: { keys: [{ kty: "EC", kid: "k" }] } },
    "credentials are not metadata",
  );
  assert.throws(
    () => absorb(handle, { client_id: "other" }, "reading"),
    (e) => isDcrError(e, "ERR_IDP_RESPONSE") && /instead of "c1"/.test(e.message),
  );
  assert.throws(
    () => absorb(handle, { registration_client_uri: "https://evil.example.com/reg/c1" }, "reading"),
    (e) => isDcrError(e, "ERR_IDP_RESPONSE") && /another origin/.test(e.message),
  );
  assert.throws(
    () => parseClientInfo({ client_id: 5 }, "reading"),
    (e) => isDcrError(e, "ERR_IDP_RESPONSE") && /malformed at "client_id"/.test(e.message),
  );
  assert.throws(
    () => recordOf(handle, parseClientInfo({ jwks: { keys: [{ kty: "EC", d: "secret" }] } }, "reading"), "reading"),
    (e) =>
      isDcrError(e, "ERR_IDP_RESPONSE") && /private key material/.test(e.message) && !e.message.includes('secret"'),
  );
});

test("rejectedMembers: Keycloak's quoted field, other IdPs' words, only names that were sent", () => {
  const sent = ["client_name", "jwks", "jwks_uri", "redirect_uris", "profile"];
  assert.deepEqual(
    rejectedMembers(
      '{"error":"Invalid json representation for OIDCClientRepresentation. Unrecognized field \\"profile\\" at line 1"}',
      sent,
    ),
    ["profile"],
  );
  assert.deepEqual(rejectedMembers("invalid_client_metadata: jwks must be a JWK Set", sent), ["jwks"]);
  assert.deepEqual(
    rejectedMembers("jwks_uri must be an absolute URI", sent),
    ["jwks_uri"],
    "jwks_uri is not also read as jwks",
  );
  assert.deepEqual(rejectedMembers("redirect_uris[0] must be an absolute URI", sent), ["redirect_uris"]);
  assert.deepEqual(
    rejectedMembers('Unrecognized field "eyJhbGciOi-token-like"', sent),
    [],
    "a name that was not sent is never repeated",
  );
  assert.deepEqual(rejectedMembers("A redirect URI is not a valid URI", sent), []);
});

test("output mappers: a refresh keeps keys and inputs, takes the IdP's record and a rotated RAT; the schedule is recomputed", () => {
  const EP = "https://idp.example.com/reg";
  const olds = {
    clientId: "c1",
    registrationClientUri: URI,
    registrationAccessToken: "rat1",
    registrationEndpoint: EP,
    jwks: { keys: [{ kty: "EC", kid: "k1", alg: "ES256", use: "sig" }] },
    activeKid: "k1",
    privateKeyPem: "pem",
    privateJwks: { keys: [] },
    keys: [{ kid: "k1", alg: "ES256", createdAt: "2026-11-01T00:00:00Z" }],
    redirectUris: ["https://a.example.com/cb"],
    metadata: { client_name: "bff" },
    usedKids: ["k1"],
    desired: desiredRecord({ registrationEndpoint: EP }, EP),
    nextKid: "k2",
    nextRotationAt: "2026-12-01T00:00:00Z",
  } as DcrOutputs;
  const handle = { ...handleOf(olds), registrationAccessToken: "rat2" };
  const seen = observed(olds, {
    handle,
    metadata: { client_id: "c1", client_name: "renamed", redirect_uris: ["https://x.example.com/cb"] },
  });
  assert.equal(seen.registrationAccessToken, "rat2");
  assert.deepEqual(seen.redirectUris, ["https://x.example.com/cb"]);
  assert.deepEqual(seen.metadata, { client_id: "c1", client_name: "renamed" });
  assert.deepEqual(seen.jwks, olds.jwks, "an IdP that shows no jwks cannot show key drift: ours are kept");
  assert.equal(seen.privateKeyPem, "pem");
  assert.deepEqual(metadataOf({ handle, metadata: { jwks: { keys: [] }, redirect_uris: [], scope: "s" } }), {
    scope: "s",
  });
  const rest = withoutSchedule(olds);
  assert.equal("nextKid" in rest || "nextRotationAt" in rest, false);
});
