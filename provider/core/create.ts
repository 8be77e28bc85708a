/** create: register the client (or adopt an existing one) with freshly generated keys. */
import { DcrError, isDcrError } from "../errors";
import { applyKeys, NO_KEYS, type KeyHoldings } from "../keyring";
import { policyOf } from "../plan/diff";
import { inheritedKeys } from "../plan/holdings";
import { composeJwks, foreignKeys } from "../plan/jwks";
import { adoptedHandle, lacksIat, registrationBody, secretArg } from "../plan/lifecycle";
import { successStatus } from "../plan/outcome";
import { outputsOf, stub } from "../plan/outputs";
import { wantedMembers } from "../plan/owned";
import {
  discoverRegistrationEndpoint,
  IAT_MISSING,
  readClient,
  register,
  updateClient,
} from "../protocol/registration";
import type { ClientRecord } from "../protocol/types";
import type { DcrInputs, DesiredRecord, Jwks } from "../types";
import type { CoreContext } from "./context";
import { desiredFor, naming, ownKey } from "./desired";
import { managementOptions, requestOptions } from "./options";
import { report, warnInsecure, warnRatExpiry, who, written } from "./report";
import type { WriteResult } from "./results";

/**
 * Registers a client for `inputs` (or adopts `inputs.adopt`). Throws when nothing reached the
 * IdP's records; once the client exists, a later failure comes back as `failure` with partial outputs.
 * @throws DcrError ERR_IAT_MISSING before any key is generated, or what the protocol throws.
 */
export async function createOp(inputs: DcrInputs, ctx: CoreContext): Promise<WriteResult> {
  const endpoint =
    inputs.registrationEndpoint ??
    (await discoverRegistrationEndpoint(inputs.issuer as string, requestOptions(inputs, ctx)));
  const desired = await desiredFor(inputs, undefined, ctx, endpoint);
  warnInsecure(desired, inputs.clientName ?? "(new client)", ctx);
  // Before any key is generated: without a token there is nothing to register (check() refuses
  // this already; a create can still meet it when the config changed between check and create).
  const iat = secretArg(inputs.initialAccessToken, ctx.secrets.initialAccessToken);
  if (lacksIat(inputs, iat)) throw new DcrError("ERR_IAT_MISSING", IAT_MISSING);
  const own = await ownKey(inputs, desired, NO_KEYS, undefined, ctx);
  if (inputs.adopt) return adopt(inputs, desired, own, ctx);
  const ring = await applyKeys(NO_KEYS, policyOf(desired), ctx.now, naming(desired), own);
  const jwks = composeJwks(ring.records, ring.publicByKid, []);
  const want = wantedMembers(desired, jwks, undefined);
  let record: ClientRecord;
  try {
    record = await register(endpoint, registrationBody(want, desired), iat, {
      ...managementOptions(desired, ctx, inputs),
      openRegistration: inputs.openRegistration === true,
    });
  } catch (failure) {
    // The IdP registered a client whose answer could not be used in full: keep what it named.
    if (!isDcrError(failure) || failure.handle === undefined) throw failure;
    return { id: failure.handle.clientId, outputs: stub(failure.handle, desired, ring, jwks), partial: true, failure };
  }
  const id = record.handle.clientId;
  try {
    const outputs = written(outputsOf(record, ring, desired, jwks, inputs), want, want, undefined, ctx);
    await report(desired, id, successStatus("create"), ctx);
    ctx.log.info(`${who(id)}: registered with active key ${ring.activeKid}`);
    warnRatExpiry(record.handle, ctx);
    return { id, outputs };
  } catch (failure) {
    return { id, outputs: stub(record.handle, desired, ring, jwks), partial: true, failure };
  }
}

/** Adopt: read the existing client with the given RAT, then publish our keys with one update. */
async function adopt(
  inputs: DcrInputs,
  desired: DesiredRecord,
  own: Awaited<ReturnType<typeof ownKey>>,
  ctx: CoreContext,
): Promise<WriteResult> {
  const handle = adoptedHandle(inputs.adopt as NonNullable<DcrInputs["adopt"]>, desired.registrationEndpoint);
  const opts = managementOptions(desired, ctx, inputs);
  const current = await readClient(handle, opts);
  const idpJwks = (current.metadata.jwks as Jwks | undefined) ?? { keys: [] };
  const inherited = inheritedKeys(idpJwks, desired.keyAlgorithm);
  const held: KeyHoldings = {
    keys: inherited,
    privateJwks: { keys: [] },
    jwks: idpJwks,
    usedKids: inherited.map((k) => k.kid),
  };
  const ring = await applyKeys(held, policyOf(desired), ctx.now, naming(desired), own);
  const jwks = composeJwks(ring.records, ring.publicByKid, foreignKeys(idpJwks, ring.usedKids));
  const want = wantedMembers(desired, jwks, current.metadata.redirect_uris as string[] | undefined);
  const record = await updateClient(handle, want, desired.updateMethod, { ...opts, current: current.metadata });
  try {
    const outputs = written(outputsOf(record, ring, desired, jwks, inputs), want, want, undefined, ctx);
    await report(desired, handle.clientId, successStatus("create"), ctx);
    warnRatExpiry(record.handle, ctx);
    return { id: handle.clientId, outputs };
  } catch (failure) {
    return { id: handle.clientId, outputs: stub(record.handle, desired, ring, jwks), partial: true, failure };
  }
}
