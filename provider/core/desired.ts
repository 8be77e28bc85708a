/** The desired record and bring-your-own key of a call: inputs plus stack-config secrets, no engine types. */
import { importPrivateKeyPem, thumbprint } from "../crypto";
import { DEFAULTS } from "../defaults";
import { importOwnKey, type KeyHoldings } from "../keyring";
import { importsOwnKey } from "../plan/holdings";
import type { KidNaming } from "../plan/kid";
import { registrationEndpointOf, secretArg } from "../plan/lifecycle";
import { desiredRecord } from "../plan/metadata";
import type { DcrInputs, DcrOutputs, DesiredRecord } from "../types";
import type { CoreContext } from "./context";

/** The bring-your-own key PEM: the input, else stack config. */
function ownPem(inputs: DcrInputs, ctx: CoreContext): string | undefined {
  return secretArg(inputs.signingKeyPem, ctx.secrets.signingKeyPem);
}

/** The RFC 7638 thumbprint of a BYO key; validates the PEM against the algorithm on first use. */
export function pemThumbprint(pem: string, inputs: DcrInputs, ctx: CoreContext): Promise<string> {
  const alg = inputs.keyAlgorithm ?? DEFAULTS.keyAlgorithm;
  const key = `${alg}\n${pem}`;
  const memo = ctx.thumbprints;
  let pending = memo?.get(key);
  if (pending === undefined) {
    pending = importPrivateKeyPem(pem, alg, "thumbprint", new Date(0)).then((m) => thumbprint(m.publicJwk));
    if (memo !== undefined) {
      memo.set(key, pending);
      pending.catch(() => memo.delete(key));
    }
  }
  return pending;
}

/** The desired record for `inputs` (endpoint per plan/lifecycle.ts; a BYO key by thumbprint). */
export async function desiredFor(
  inputs: DcrInputs,
  olds: DcrOutputs | undefined,
  ctx: CoreContext,
  discovered?: string,
): Promise<DesiredRecord> {
  const pem = ownPem(inputs, ctx);
  return desiredRecord(
    inputs,
    registrationEndpointOf(inputs, olds, discovered),
    pem !== undefined ? { signingKeyThumbprint: await pemThumbprint(pem, inputs, ctx) } : {},
  );
}

/** How keys are named for a desired record. */
export function naming(desired: DesiredRecord): KidNaming {
  return desired.kid !== undefined
    ? { kidPrefix: desired.kidPrefix, kid: desired.kid }
    : { kidPrefix: desired.kidPrefix };
}

/** A bring-your-own key, imported only when plan/holdings.ts says its PEM is new to this resource. */
export async function ownKey(
  inputs: DcrInputs,
  desired: DesiredRecord,
  held: KeyHoldings,
  previous: DesiredRecord | undefined,
  ctx: CoreContext,
) {
  const pem = ownPem(inputs, ctx);
  if (pem === undefined || !importsOwnKey(desired.signingKeyThumbprint, previous?.signingKeyThumbprint))
    return undefined;
  return importOwnKey(pem, desired.keyAlgorithm, naming(desired), held.usedKids, ctx.now);
}
