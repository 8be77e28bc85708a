/**
 * The DcrClient lifecycle from YAML, Python and Go (lang-stack.ts), through the real engine and the
 * provider plugin installed from its archive, the SDKs from the wheel and the Go module dir:
 * create → the active key authenticates → `preview --expect-no-changes` → a no-op `up` sends 0
 * requests (counted at the IdP) → 31 days ahead (DCR_NOW) `preview --diff` shows `jwks` changing and
 * `up` rotates (both kids at the IdP, the new key authenticates) → redirect_uris drift set out of
 * band, refreshed and repaired → the state export holds no secret in clear → destroy.
 */
import * as assert from "node:assert/strict";
import { describe, test } from "node:test";
import { startSuiteIdp, type SuiteIdp, type SuiteIdpName } from "../support/idp-suite";
import { CLIENT_EXPORTS, createLangStack, LANGS, type Lang, type LangStack } from "../support/lang-stack";
import { leaks, outputSecrets } from "../support/secrets";

const DAY = 86400_000;
const A = "https://bff.example.com/auth/callback";
const B = "https://bff.example.com/auth/other";
const X = "https://intruder.example.com/cb";
/** The key algorithm (a schema enum: each SDK's enum type carries it). */
const ALG = "ES256";

const sorted = (a: readonly string[]): string[] => [...a].sort();

/** private_key_jwt client_credentials with the stack's active key. */
async function authenticates(idp: SuiteIdp, o: Record<string, unknown>, label: string): Promise<void> {
  assert.ok(idp.clientCredentials, `${idp.name} has a token endpoint`);
  const key = { privateKeyPem: o.privateKeyPem as string, kid: o.activeKid as string, alg: ALG };
  const auth = await idp.clientCredentials(o.clientId as string, key);
  assert.equal(auth.status, 200, `${label}: the active key authenticates: ${JSON.stringify(auth.body)}`);
}

/** The Client's args as the program gets them (JSON, schema names). */
function clientArgs(idp: SuiteIdp, lang: Lang): Record<string, unknown> {
  return {
    ...idp.args,
    clientName: `bff-${lang}`,
    keyAlgorithm: ALG,
    redirectUris: [B, A],
    metadata: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
  };
}

/** Rotation 31 days ahead: the no-changes alarm goes off, preview shows a jwks change, up carries it out. */
async function rotates(idp: SuiteIdp, stack: LangStack, before: Record<string, unknown>, label: string) {
  stack.setEnv("DCR_NOW", new Date(Date.now() + 31 * DAY).toISOString());
  await assert.rejects(
    stack.preview({ expectNoChanges: true }),
    /no changes were expected for preview but changes were proposed/,
  );
  const diff = await stack.preview({ diff: true });
  assert.match(diff, /^\s*~\s*jwks: /m, `${label}: preview --diff shows jwks changing:\n${diff}`);
  assert.match(diff, /~ 1 to update/, `${label}: one update`);
  await stack.up();
  const after = await stack.outputs();
  assert.notEqual(after.activeKid, before.activeKid, `${label}: a new active key`);
  assert.deepEqual(
    sorted(await idp.kidsAt(after.clientId as string)),
    sorted([before.activeKid as string, after.activeKid as string]),
    `${label}: the IdP holds both kids`,
  );
  await authenticates(idp, after, label);
  return after;
}

/** The lifecycle above, in `lang` against `idp`. */
export async function langLifecycle(idp: SuiteIdp, lang: Lang): Promise<void> {
  const label = `${idp.name}/${lang}`;
  const exports = [...CLIENT_EXPORTS, "privateJwks"];
  const stack = await createLangStack({ lang, resources: { bff: clientArgs(idp, lang) }, config: idp.config, exports });
  try {
    await stack.up();
    const first = await stack.outputs();
    const id = first.clientId as string;
    assert.equal(typeof id, "string", `${label}: clientId is an output`);
    assert.deepEqual(await idp.kidsAt(id), [first.activeKid], `${label}: the IdP holds the active kid`);
    await authenticates(idp, first, label);
    await stack.preview({ expectNoChanges: true });

    idp.requests.reset();
    await stack.up();
    assert.equal(idp.requests.count(), 0, `${label}: a no-op up sends no request`);

    const rotated = await rotates(idp, stack, first, label);

    await idp.setRedirectUris(id, [X]);
    await stack.refresh();
    await stack.up();
    assert.deepEqual(sorted(await idp.redirectUrisAt(id)), sorted([A, B]), `${label}: drift repaired`);
    await stack.preview({ expectNoChanges: true });

    const secrets = [...outputSecrets(first), ...outputSecrets(rotated), idp.initialAccessToken, idp.adminToken];
    assert.match(String(rotated.privateKeyPem), /BEGIN PRIVATE KEY/, `${label}: the key is an output to look for`);
    assert.equal(typeof rotated.registrationAccessToken, "string", `${label}: the RAT is an output to look for`);
    assert.deepEqual(leaks(await stack.exportText(), secrets), [], `${label}: no secret in clear in the state`);

    await stack.destroy();
    assert.equal(await idp.exists(id), false, `${label}: destroy deletes the client`);
  } finally {
    await stack.dispose();
  }
}

/**
 * Registers the lifecycle for every language against one IdP (one test file per IdP, so Keycloak
 * starts once per file); the languages run concurrently, each with its own IdP (oidc-provider) or realm.
 */
export function langTests(name: SuiteIdpName): void {
  describe(`${name} from every language`, { concurrency: LANGS.length }, () => {
    for (const lang of LANGS) {
      test(`${name} from ${lang}: create, no-op, rotation, drift, secrets, destroy`, async () => {
        const idp = await startSuiteIdp(name);
        try {
          await langLifecycle(idp, lang);
        } finally {
          await idp.close();
        }
      });
    }
  });
}
