/**
 * The named hardest cases through the real engine, where state matters: (a) an update applied
 * with RAT rotation whose answer was lost, (b) a registration applied whose answer was lost,
 * (c) a failure after a successful write — and the operator following the error's advice to
 * the end. Also: adopting the client a resource already manages is refused (it would delete it).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startFaultProxy } from "../support/fault-proxy";
import { startOidcIdp } from "../support/oidc-idp";
import { startSeedIdp } from "../support/seed-idp";
import { createDcrStack } from "../support/dcr-stack";
import { dcrClients, exportWithSecrets, failure, stateDelete } from "../support/engine-ops";
import { leaks, outputSecrets } from "../support/secrets";

const DAY = 86_400_000;
const in31Days = () => new Date(Date.now() + 31 * DAY).toISOString();

interface ClientState {
  clientId: string;
  registrationAccessToken: string;
  keys: { kid: string }[];
  usedKids: string[];
  activeKid: string;
}

async function stateOf(
  stack: Parameters<typeof exportWithSecrets>[0],
  name = "bff",
): Promise<{ urn: string; o: ClientState; secrets: string[] }> {
  const r = dcrClients((await exportWithSecrets(stack)).resources).get(name);
  assert.ok(r, `${name} is in state`);
  return { urn: r.urn, o: r.outputs as unknown as ClientState, secrets: outputSecrets(r.outputs) };
}

test("(a) engine, oidc-provider: PUT applied with RAT rotation, answer lost → up stops saying what happened, again next time; the documented fix converges", async () => {
  const idp = await startOidcIdp({ rotateRegistrationAccessToken: true });
  const proxy = await startFaultProxy(idp.issuer);
  const stack = await createDcrStack(
    {
      bff: {
        registrationEndpoint: proxy.url(idp.registrationEndpoint),
        clientName: "bff",
        keyAlgorithm: "ES256",
        redirectUris: ["https://bff.example.com/cb"],
        metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
      },
    },
    { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } },
  );
  const outputs: string[] = [];
  try {
    await stack.up();
    const before = await stateOf(stack);
    stack.setEnv("DCR_NOW", in31Days());
    proxy.addRule({ method: "PUT", path: "/reg/", action: { kind: "dropAfter" } });
    const first = await failure(stack.up());
    outputs.push(first);
    assert.match(first, /An earlier PUT attempt got no usable answer/);
    assert.match(first, /most likely applied that PUT and rotated the registration access token/);
    assert.match(first, /pulumi state delete/);
    const kept = await stateOf(stack);
    assert.equal(kept.o.registrationAccessToken, before.o.registrationAccessToken, "no new RAT was ever received");
    assert.deepEqual(
      kept.o.keys.map((k) => k.kid),
      before.o.keys.map((k) => k.kid),
      "the unconfirmed key is not recorded as active",
    );
    const stray = (idp.getClient(before.o.clientId)?.jwks as { keys: { kid: string }[] }).keys
      .map((k) => k.kid)
      .filter((k) => k !== before.o.activeKid);
    assert.equal(stray.length, 1, "the IdP did apply the PUT");
    assert.ok(kept.o.usedKids.includes(stray[0] as string), "partial state records the unconfirmed kid as used");

    proxy.reset();
    const second = await failure(stack.up());
    outputs.push(second);
    assert.match(second, /refused the registration access token/);
    assert.equal(proxy.count("POST"), 0, "the next up never re-registers");

    // oidc-provider has no admin API to mint a token: the IdP admin deletes the client, the
    // operator forgets it in state, and the next up registers a fresh one.
    idp.deleteClient(before.o.clientId);
    await stateDelete(stack, kept.urn);
    stack.setEnv("DCR_NOW", undefined);
    await stack.up();
    const fresh = await stateOf(stack);
    assert.notEqual(fresh.o.clientId, before.o.clientId);
    const auth = await idp.clientCredentials(fresh.o.clientId, {
      privateKeyPem: (await stack.outputsOf("bff")).privateKeyPem as string,
      kid: fresh.o.activeKid,
      alg: "ES256",
    });
    assert.equal(auth.status, 200, "the new client's key signs in");
    await stack.preview({ expectNoChanges: true });
    const secrets = [idp.initialAccessToken, ...before.secrets, ...kept.secrets, ...fresh.secrets];
    assert.deepEqual(leaks(outputs.join("\n") + (await stack.exportText()), secrets), []);
    await stack.destroy();
  } finally {
    await stack.dispose();
    await proxy.close();
    await idp.close();
  }
});

test("(b) engine, seed IdP: POST applied, answer lost → no blind retry; following the error's advice adopts the orphan; one client in the end", async () => {
  const idp = await startSeedIdp();
  const proxy = await startFaultProxy(idp.baseUrl);
  const stack = await createDcrStack(
    {
      bff: {
        registrationEndpoint: proxy.url(idp.registrationEndpoint),
        updateMethod: "PATCH",
        clientName: "bff-b",
        keyAlgorithm: "ES256",
      },
    },
    {
      config: {
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr:adminToken": { value: idp.adminToken, secret: true },
      },
    },
  );
  try {
    proxy.addRule({ method: "POST", path: "/api/oidc/register", action: { kind: "dropAfter" } });
    const out = await failure(stack.up());
    assert.match(out, /the request may have been applied at the IdP/);
    assert.match(out, /look the client up in the IdP admin by client_name "bff-b"/i);
    assert.equal(proxy.count("POST", "/api/oidc/register"), 1, "one POST: no blind retry");
    assert.equal(idp.clientIds().length, 1, "the orphan exists");
    assert.equal(
      (await exportWithSecrets(stack)).resources.filter((r) => r.type.endsWith("DcrClient")).length,
      0,
      "nothing in state",
    );
    // The advice: find it by client_name, have an admin issue a RAT, pass it via `adopt`.
    const orphan = idp.clientIds().find((id) => idp.getClient(id)?.client_name === "bff-b") as string;
    const res = await fetch(`${idp.baseUrl}/api/admin/dcr/clients/${orphan}/tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${idp.adminToken}` },
    });
    const { registration_access_token: rat } = (await res.json()) as { registration_access_token: string };
    await stack.stack.setConfig("dcr:adopt", {
      value: JSON.stringify({ clientId: orphan, registrationAccessToken: rat }),
      secret: true,
    });
    proxy.reset();
    await stack.up();
    assert.equal(proxy.count("POST", "/api/oidc/register"), 0, "adopted, not registered again");
    assert.deepEqual(idp.clientIds(), [orphan], "exactly one client");
    const { o } = await stateOf(stack);
    assert.equal(o.registrationAccessToken, idp.currentRat(orphan));
    const kidsAtIdp = (idp.getClient(orphan)?.jwks as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    assert.equal(kidsAtIdp[0], o.activeKid, "our new key is published and active");
    assert.deepEqual(
      [...kidsAtIdp].sort(),
      o.keys.map((k) => k.kid).sort(),
      "the key lost with the answer is recorded (inherited: aged and retired, never active)",
    );
    await stack.preview({ expectNoChanges: true });
    await stack.destroy();
    assert.equal(idp.clientIds().length, 0);
  } finally {
    await stack.dispose();
    await proxy.close();
    await idp.close();
  }
});

test("(c) engine: RAT renewed, then the update kept failing → the failed up records the NEW RAT; the next up needs no renewal", async () => {
  const idp = await startSeedIdp();
  const proxy = await startFaultProxy(idp.baseUrl);
  const stack = await createDcrStack(
    {
      bff: {
        registrationEndpoint: proxy.url(idp.registrationEndpoint),
        updateMethod: "PATCH",
        keyAlgorithm: "ES256",
        timeoutSeconds: 2,
      },
    },
    {
      config: {
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr:adminToken": { value: idp.adminToken, secret: true },
      },
    },
  );
  try {
    await stack.up();
    const before = await stateOf(stack);
    idp.revokeRat(before.o.clientId);
    proxy.addRule({
      method: "PATCH",
      path: "/api/oidc/register/",
      action: { kind: "status", status: 401, body: '{"error":"invalid_token"}' },
    });
    proxy.addRule({
      method: "PATCH",
      path: "/api/oidc/register/",
      times: Infinity,
      action: { kind: "status", status: 503, retryAfter: "0" },
    });
    stack.setEnv("DCR_NOW", in31Days());
    const out = await failure(stack.up());
    assert.match(out, /answered 503 .*gave up after 4 attempts/);
    const kept = await stateOf(stack);
    assert.equal(kept.o.registrationAccessToken, idp.currentRat(before.o.clientId), "the renewed RAT is in state");
    assert.notEqual(kept.o.registrationAccessToken, before.o.registrationAccessToken);
    proxy.clearRules();
    proxy.reset();
    await stack.up();
    assert.equal(proxy.count("POST", "/api/admin/dcr/clients/"), 0, "no renewal needed: state had the live RAT");
    await stack.preview({ expectNoChanges: true });
    assert.deepEqual(
      leaks(out + (await stack.exportText()), [
        idp.initialAccessToken,
        idp.adminToken,
        ...before.secrets,
        ...kept.secrets,
      ]),
      [],
    );
    await stack.destroy();
  } finally {
    await stack.dispose();
    await proxy.close();
    await idp.close();
  }
});

test("adopting the client a resource already manages is refused before anything is sent (it would replace the resource and delete the client); state delete + adopt works", async () => {
  const idp = await startSeedIdp();
  const stack = await createDcrStack(
    {
      bff: { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH", keyAlgorithm: "ES256" },
    },
    {
      config: {
        "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
        "dcr:adminToken": { value: idp.adminToken, secret: true },
      },
    },
  );
  try {
    await stack.up();
    const { urn, o } = await stateOf(stack);
    const res = await fetch(`${idp.baseUrl}/api/admin/dcr/clients/${o.clientId}/tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${idp.adminToken}` },
    });
    const { registration_access_token: rat } = (await res.json()) as { registration_access_token: string };
    await stack.stack.setConfig("dcr:adopt", {
      value: JSON.stringify({ clientId: o.clientId, registrationAccessToken: rat }),
      secret: true,
    });
    idp.requests.reset();
    const refused = await failure(stack.up());
    assert.match(refused, /"adopt\.clientId" names client .* which this resource already manages/);
    assert.match(refused, /pulumi state delete/);
    assert.equal(idp.requests.count(), 0, "nothing sent");
    assert.ok(idp.getClient(o.clientId), "the client still exists");
    assert.deepEqual(leaks(refused, [rat, o.registrationAccessToken]), []);
    await stateDelete(stack, urn);
    await stack.up();
    const adopted = await stateOf(stack);
    assert.equal(adopted.o.clientId, o.clientId);
    assert.equal(adopted.o.registrationAccessToken, idp.currentRat(o.clientId));
    assert.deepEqual(idp.clientIds(), [o.clientId]);
    await stack.preview({ expectNoChanges: true });
    await stack.destroy();
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
