/**
 * DcrClient through the real Pulumi CLI against oidc-provider (RFC 7592, RAT rotation on):
 * create, authenticate, no-op runs, IAT removal, time-based rotation (GET + PUT, the default)
 * and retirement with DCR_NOW, RAT rotation stored, secrets absent from state, `up --replace`,
 * destroy.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startOidcIdp } from "../support/oidc-idp";
import { createDcrStack, resourcesOfType } from "../support/dcr-stack";
import { dcrClients, exportWithSecrets } from "../support/engine-ops";
import { leaks, outputSecrets } from "../support/secrets";

const DAY = 86400_000;

test("oidc-provider lifecycle with the real engine", async () => {
  const idp = await startOidcIdp({ rotateRegistrationAccessToken: true });
  const stack = await createDcrStack(
    {
      bff: {
        issuer: idp.issuer,
        clientName: "bff",
        keyAlgorithm: "ES256",
        kidPrefix: "bff-sig",
        redirectUris: ["https://bff.example.com/cb"],
        metadata: {
          grant_types: ["authorization_code", "client_credentials"],
          response_types: ["code"],
          contacts: ["ops@example.com"],
        },
      },
    },
    { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } },
  );
  try {
    // 1. up creates; outputs typed; the key authenticates; preview right after is clean.
    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");
    const o1 = await stack.outputsOf("bff");
    const clientId = o1.clientId as string;
    assert.match(clientId, /\S/);
    assert.match(o1.activeKid as string, /^bff-sig-\d{8}T\d{6}Z$/);
    assert.equal((o1.keys as unknown[]).length, 1);
    assert.ok(Date.parse(o1.nextRotationAt as string) > Date.now() + 29 * DAY);
    const auth = await idp.clientCredentials(clientId, {
      privateKeyPem: o1.privateKeyPem as string,
      kid: o1.activeKid as string,
      alg: "ES256",
    });
    assert.equal(auth.status, 200, JSON.stringify(auth.body));
    await stack.preview({ expectNoChanges: true });

    // 9. a no-op up sends zero requests; refresh sends one GET.
    idp.requests.reset();
    await stack.up();
    assert.equal(idp.requests.count(), 0, "no-op up: zero IdP requests");
    await stack.refresh();
    assert.equal(idp.requests.count(), 1, "refresh: one request");
    assert.equal(idp.requests.count("GET"), 1);
    await stack.preview({ expectNoChanges: true });

    // 2. removing the IAT from config changes nothing.
    await stack.stack.removeConfig("dcr:initialAccessToken");
    await stack.preview({ expectNoChanges: true });

    // 4. rotation: 31 days ahead → update adds a new active key, keeps the old; RAT rotated and stored.
    const t0 = Date.now();
    stack.setEnv("DCR_NOW", new Date(t0 + 31 * DAY).toISOString());
    const pv = await stack.preview();
    assert.equal(pv.changeSummary.update, 1, "preview shows an update when rotation is due");
    idp.requests.reset();
    const rotated = await stack.up();
    assert.deepEqual(
      idp.requests.entries.map((e) => e.method),
      ["GET", "PUT"],
      "the default update method: RFC 7592 read-modify-write (GET + PUT)",
    );
    const o2 = await stack.outputsOf("bff");
    assert.notEqual(o2.activeKid, o1.activeKid);
    // The runbook's log line operators look for, and the planner's reason, in the engine's output.
    assert.match(rotated.stdout, new RegExp(`JWKS rotated successfully; active key ${o2.activeKid as string}`));
    assert.match(rotated.stdout, new RegExp(`key ${o1.activeKid as string} is 31 days old \\(rotateAfterDays=30\\)`));
    assert.deepEqual(
      (o2.keys as { kid: string }[]).map((k) => k.kid),
      [o2.activeKid, o1.activeKid],
    );
    assert.deepEqual(
      (o2.privateJwks as { keys: { kid: string }[] }).keys.map((k) => k.kid),
      [o2.activeKid],
      "the rotated-out key's private half is discarded",
    );
    assert.deepEqual(
      (o2.jwks as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort(),
      [o1.activeKid, o2.activeKid].sort(),
    );
    assert.notEqual(
      o2.registrationAccessToken,
      o1.registrationAccessToken,
      "oidc-provider rotated the RAT and state has the new one",
    );
    const auth2 = await idp.clientCredentials(clientId, {
      privateKeyPem: o2.privateKeyPem as string,
      kid: o2.activeKid as string,
      alg: "ES256",
    });
    assert.equal(auth2.status, 200);
    await stack.refresh(); // works only with the stored, rotated RAT
    await stack.preview({ expectNoChanges: true });

    // at 62 days the first key is retired (and the second is due to rotate): never more than maxKeys.
    stack.setEnv("DCR_NOW", new Date(t0 + 62 * DAY).toISOString());
    await stack.up();
    const o3 = await stack.outputsOf("bff");
    const kids3 = (o3.keys as { kid: string }[]).map((k) => k.kid);
    assert.ok(!kids3.includes(o1.activeKid as string), "the 62-day-old key is retired");
    assert.ok(kids3.includes(o2.activeKid as string), "the previous key still overlaps");
    assert.ok(kids3.length <= 3);
    const oldAuth = await idp.clientCredentials(clientId, {
      privateKeyPem: o1.privateKeyPem as string,
      kid: o1.activeKid as string,
      alg: "ES256",
    });
    assert.notEqual(oldAuth.status, 200, "the retired key no longer authenticates");

    // 7. no secret in the exported state; __provider small and secret-free.
    const exported = await stack.exportText();
    const secrets = [idp.initialAccessToken, ...outputSecrets(o1), ...outputSecrets(o2), ...outputSecrets(o3)];
    assert.deepEqual(leaks(exported, secrets), [], "no secret value appears in the exported state");
    const [res] = resourcesOfType(exported);
    const provider = res?.outputs.__provider as string;
    assert.ok(provider.length < 4096, `__provider is ${provider.length} bytes`);
    assert.match(provider, /require\("pulumi-dcr\/dist\/provider\/dynamic\.js"\)/);

    // DCR_FORCE_REPLACE: `pulumi up --replace <urn>` (a new registration needs the IAT again)
    // registers a new client, then deletes the old one.
    await stack.stack.setConfig("dcr:initialAccessToken", { value: idp.initialAccessToken, secret: true });
    const urn = dcrClients((await exportWithSecrets(stack)).resources).get("bff")?.urn as string;
    idp.requests.reset();
    await stack.stack.up({ replace: [urn] });
    const registration = idp.requests.entries.filter((e) => e.path.startsWith("/reg")); // discovery (GET) aside
    assert.deepEqual(
      registration.map((e) => `${e.method} ${e.status}`),
      ["POST 201", "DELETE 204"],
      "registered anew, then the old client deleted",
    );
    const o4 = await stack.outputsOf("bff");
    assert.notEqual(o4.clientId, clientId);
    assert.equal(idp.getClient(clientId), undefined, "the replaced client is gone");
    assert.ok(idp.getClient(o4.clientId as string), "the new client exists");

    // 6 (part). destroy deletes the client at the IdP.
    await stack.destroy();
    assert.equal(idp.getClient(o4.clientId as string), undefined, "the client is deleted at the IdP");
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
