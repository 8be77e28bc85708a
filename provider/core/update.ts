/** update: rotate/retire keys and repair owned members with one PATCH or GET+PUT; nothing sent when nothing differs. */
import { isDcrError } from "../errors";
import { applyKeys, type KeyHoldings } from "../keyring";
import { policyOf } from "../plan/diff";
import { composeJwks, foreignKeys } from "../plan/jwks";
import { afterFailedUpdate, failureStatus, successStatus } from "../plan/outcome";
import { handleOf, outputsOf, stub, unchangedOutputs } from "../plan/outputs";
import { idpView, membersToSend, wantedMembers } from "../plan/owned";
import { updateClient } from "../protocol/registration";
import type { ClientRecord } from "../protocol/types";
import type { DcrInputs, DcrOutputs } from "../types";
import type { CoreContext } from "./context";
import { desiredFor, naming, ownKey } from "./desired";
import { managementOptions } from "./options";
import { report, written, who } from "./report";
import type { WriteResult } from "./results";

/**
 * Brings the client `olds` describe to `news` at `ctx.now`. Throws when the IdP kept nothing new;
 * a failure after which something must be kept (a rotated RAT, generated kids, the new record)
 * comes back as `failure` with the outputs to keep.
 */
export async function updateOp(id: string, olds: DcrOutputs, news: DcrInputs, ctx: CoreContext): Promise<WriteResult> {
  const desired = await desiredFor(news, olds, ctx);
  const held: KeyHoldings = olds;
  const own = await ownKey(news, desired, held, olds.desired, ctx);
  const ring = await applyKeys(held, policyOf(desired), ctx.now, naming(desired), own);
  const jwks = composeJwks(ring.records, ring.publicByKid, foreignKeys(olds.jwks, ring.usedKids));
  const want = wantedMembers(desired, jwks, olds.redirectUris);
  const owned = membersToSend(olds, want, new Set(ring.usedKids));
  for (const r of ring.plan.reasons) ctx.log.info(`${who(id)}: ${r}`);
  if (Object.keys(owned).length === 0) return { id, outputs: unchangedOutputs(olds, ring, desired, jwks, news) };
  const handle = handleOf(olds);
  let record: ClientRecord;
  try {
    record = await updateClient(handle, owned, desired.updateMethod, {
      ...managementOptions(desired, ctx, news, olds),
      current: idpView(olds),
    });
  } catch (e) {
    await report(desired, id, failureStatus("update", isDcrError(e) ? e.code : undefined), ctx);
    const kept = afterFailedUpdate(olds, handle, ring.usedKids);
    if (kept === undefined) throw e;
    return { id, outputs: kept, partial: true, failure: e };
  }
  try {
    const outputs = written(outputsOf(record, ring, desired, jwks, news), owned, want, olds.applied, ctx);
    await report(desired, id, successStatus("update"), ctx);
    const next = ring.next ? `; next key ${ring.next.kid} published ahead, active from ${ring.next.activatesAt}` : "";
    if (ring.plan.generate) ctx.log.info(`${who(id)}: JWKS rotated successfully; active key ${ring.activeKid}${next}`);
    return { id, outputs };
  } catch (failure) {
    return { id, outputs: stub(record.handle, desired, ring, jwks), partial: true, failure };
  }
}
