/**
 * A seed-style fixture bent by one of its switches (seed-idp.ts) with a one-client engine stack
 * in front of it, for the test/e2e/bent-*.test.ts files; plus reading an operation's outcome and
 * the stack's state without caring whether the operation failed.
 */
import { createDcrStack, type DcrStack } from "./dcr-stack";
import { dcrClients, exportWithSecrets, type StateResource } from "./engine-ops";
import { startSeedIdp, type SeedIdp, type SeedIdpOptions } from "./seed-idp";
import type { DcrClientArgs } from "../../provider/args";

export const REDIRECT = "https://bff.example.com/auth/callback";
export const REDIRECT_2 = "https://bff.example.com/auth/callback2";

export interface Bent {
  idp: SeedIdp;
  stack: DcrStack;
  /** The args of the one client, `bff`, as first given. */
  args: DcrClientArgs;
}

/**
 * Runs `fn` with a seed fixture started with `options` and a stack holding one DcrClient `bff`
 * (PATCH, ES256, one redirect URI, the IAT from secret config, plus `extra`); disposes both.
 */
export async function withBentSeed(
  options: SeedIdpOptions,
  extra: Partial<DcrClientArgs>,
  fn: (bent: Bent) => Promise<void>,
): Promise<void> {
  const idp = await startSeedIdp(options);
  const args: DcrClientArgs = {
    registrationEndpoint: idp.registrationEndpoint,
    updateMethod: "PATCH",
    keyAlgorithm: "ES256",
    redirectUris: [REDIRECT],
    ...extra,
  };
  try {
    const stack = await createDcrStack(
      { bff: args },
      { config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } } },
    );
    try {
      await fn({ idp, stack, args });
    } finally {
      await stack.dispose();
    }
  } finally {
    await idp.close();
  }
}

/** What an engine operation printed (the error message, which carries stdout and stderr, when it failed). */
export async function outcome(op: Promise<{ stdout: string; stderr: string }>): Promise<{ ok: boolean; text: string }> {
  try {
    const r = await op;
    return { ok: true, text: `${r.stdout}\n${r.stderr}` };
  } catch (e) {
    return { ok: false, text: String((e as Error).message) };
  }
}

/** The DcrClient `bff` in the stack's state (secrets in plaintext), if it is there. */
export async function stateOf(stack: DcrStack): Promise<StateResource | undefined> {
  return dcrClients((await exportWithSecrets(stack)).resources).get("bff");
}
