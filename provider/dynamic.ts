/**
 * The resource provider behind DcrClient: orchestration only. Decisions come from the pure
 * planners in plan/, I/O from protocol/; this file wires them and keeps state honest — a client
 * or RAT the IdP handed back is never lost, even when a later step fails.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DcrError, isDcrError } from "./errors";
import { thumbprint, importPrivateKeyPem } from "./crypto";
import { applyKeys, importOwnKey, inheritedKeys, NO_KEYS, type KeyHoldings } from "./keyring";
import { pushStatus, type DcrStatus } from "./metrics";
import { afterWrite, describeSubstitution, type Applied } from "./plan/applied";
import { composeJwks, foreignKeys } from "./plan/jwks";
import { compact } from "./json";
import { DEFAULTS } from "./defaults";
import { desiredRecord } from "./plan/metadata";
import { planDiff, policyOf } from "./plan/diff";
import { idpView, membersToSend, ourKids, wantedMembers } from "./plan/owned";
import { handleOf, handleOutputs, keyOutputs, observed, outputsOf, stub, withoutSchedule } from "./plan/outputs";
import {
  discoverRegistrationEndpoint,
  register,
  readClient,
  updateClient,
  deleteClient,
  IAT_MISSING,
} from "./protocol/registration";
import type { ClientHandle, ClientRecord, RenewalOptions, RequestOptions } from "./protocol/types";
import { validateInputs } from "./validate";
import type { DcrInputs, DcrOutputs, DesiredRecord, Jwks } from "./types";
import { clock, logInfo, logWarn, partialFailure, stackSecret, storeStackConfig } from "./runtime";

/** Reads secrets (IAT, admin token, BYO key) from stack config so they never enter state. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  storeStackConfig(req.config);
}

/** Validates inputs before anything is sent; fails naming the property. */
export async function check(olds: DcrInputs, news: DcrInputs): Promise<pulumi.dynamic.CheckResult<DcrInputs>> {
  const { inputs, failures } = validateInputs(news as unknown as Record<string, unknown>);
  if (failures.length === 0 && inputs.signingKeyPem !== undefined) {
    try {
      await pemThumbprint(inputs.signingKeyPem, inputs);
    } catch (e) {
      failures.push({ property: "signingKeyPem", reason: isDcrError(e) ? e.detail : "is not a usable private key" });
    }
  }
  const creating = Object.keys(olds ?? {}).filter((k) => k !== "__provider").length === 0;
  if (failures.length === 0 && creating && missingIat(inputs)) {
    failures.push({ property: "initialAccessToken", reason: IAT_MISSING });
  }
  const out = { ...inputs } as Record<string, unknown>;
  if ((news as Record<string, unknown>).__provider !== undefined)
    out.__provider = (news as Record<string, unknown>).__provider;
  return { inputs: out as DcrInputs, failures };
}

/** Input changes, drift seen by refresh, and time-based rotation; never any I/O. */
export async function diff(_id: string, olds: DcrOutputs, news: DcrInputs): Promise<pulumi.dynamic.DiffResult> {
  const desired = await desiredFor(news, olds);
  if (
    news.adopt !== undefined &&
    news.adopt.clientId === olds.clientId &&
    olds.desired.adoptedClientId !== news.adopt.clientId
  ) {
    // Adopting the client this resource already manages would REPLACE it, and the replacement's
    // delete step would delete that very client at the IdP.
    throw new DcrError(
      "ERR_CONFIG",
      `"adopt.clientId" names client ${olds.clientId}, which this resource already manages: adopting it again would replace the resource and delete the client. ` +
        "To hand this resource a fresh registration access token, first remove it from state (`pulumi state delete <urn>`), then run `pulumi up` with `adopt`",
    );
  }
  warnInsecure(desired, olds.clientId);
  const plan = planDiff(olds, desired, clock());
  // A warning, not an info line: `pulumi preview --diff` shows warnings only, and it shows no
  // property for this update (the SDK's dynamic-provider host drops detailedDiff).
  if (plan.changes) logWarn(`DcrClient ${olds.clientId}: ${plan.reasons.join("; ")}`);
  const sameFixedId = desired.clientId !== undefined && desired.clientId === olds.desired.clientId;
  // The SDK's dynamic-provider host (3.276) does not forward detailedDiff yet; the reasons line
  // above names the same members. Returned so a host that forwards it shows them in --diff.
  const detailedDiff = Object.fromEntries(
    plan.properties.map((p) => [p, { kind: plan.replaces.includes(p) ? "UPDATE_REPLACE" : "UPDATE" }]),
  );
  return {
    changes: plan.changes,
    replaces: plan.replaces,
    deleteBeforeReplace: plan.replaces.length > 0 && sameFixedId,
    detailedDiff,
  } as pulumi.dynamic.DiffResult;
}

/** Registers the client (or adopts an existing one) with freshly generated keys. */
export async function create(inputs: DcrInputs): Promise<pulumi.dynamic.CreateResult<DcrOutputs>> {
  const timeout = requestOptions(inputs);
  const endpoint =
    inputs.registrationEndpoint ?? (await discoverRegistrationEndpoint(inputs.issuer as string, timeout));
  const desired = await desiredFor(inputs, undefined, endpoint);
  warnInsecure(desired, inputs.clientName ?? "(new client)");
  const now = clock();
  // Before any key is generated: without a token there is nothing to register (check() refuses
  // this already; a create can still meet it when the config changed between check and create).
  if (missingIat(inputs)) throw new DcrError("ERR_IAT_MISSING", IAT_MISSING);
  const iat = iatOf(inputs);
  const own = await ownKey(inputs, desired, NO_KEYS, now);
  if (inputs.adopt) return adopt(inputs, desired, own);
  const ring = await applyKeys(NO_KEYS, policyOf(desired), now, naming(desired), own);
  const jwks = composeJwks(ring.records, ring.publicByKid, []);
  const want = wantedMembers(desired, jwks, undefined);
  const body = desired.clientId !== undefined ? { ...want, client_id: desired.clientId } : want;
  const record = await register(endpoint, body, iat, {
    ...managementOptions(desired, inputs),
    openRegistration: inputs.openRegistration === true,
  });
  try {
    const outs = written(outputsOf(record, ring, desired, jwks, inputs), want, want, undefined);
    await report(desired, record.handle.clientId, "success");
    logInfo(`DcrClient ${record.handle.clientId}: registered with active key ${ring.activeKid}`);
    return { id: record.handle.clientId, outs };
  } catch (e) {
    throw partialFailure(e, record.handle.clientId, inputs, stub(record.handle, desired, ring, jwks));
  }
}

/** Refresh: what the IdP holds now; keys and inputs stay; a rotated RAT is stored. */
export async function read(id: string, props: DcrOutputs): Promise<pulumi.dynamic.ReadResult<DcrOutputs>> {
  const handle = handleOf(props);
  warnInsecure(props.desired, id);
  let record: ClientRecord;
  try {
    record = await readClient(handle, managementOptions(props.desired, undefined, props));
  } catch (e) {
    if (isDcrError(e, "ERR_CLIENT_GONE")) {
      logWarn(`DcrClient ${id}: the client no longer exists at the IdP; it is removed from state`);
      return {};
    }
    if (isDcrError(e, "ERR_RAT_INVALID")) await report(props.desired, id, "rat_invalid");
    throw e;
  }
  await report(props.desired, id, "rat_cached");
  return { id, props: observed(props, record) };
}

/** Rotates/retires keys and repairs owned fields with one PATCH or GET+PUT; nothing sent when nothing differs. */
export async function update(
  id: string,
  olds: DcrOutputs,
  news: DcrInputs,
): Promise<pulumi.dynamic.UpdateResult<DcrOutputs>> {
  const desired = await desiredFor(news, olds);
  const now = clock();
  const held: KeyHoldings = olds;
  const own = await ownKey(news, desired, held, now);
  const ring = await applyKeys(held, policyOf(desired), now, naming(desired), own);
  const jwks = composeJwks(ring.records, ring.publicByKid, foreignKeys(olds.jwks, ring.usedKids));
  const want = wantedMembers(desired, jwks, olds.redirectUris);
  const owned = membersToSend(olds, want, new Set(ring.usedKids));
  for (const r of ring.plan.reasons) logInfo(`DcrClient ${id}: ${r}`);
  if (Object.keys(owned).length === 0) {
    // Nothing differs at the IdP (with jwksUri the app serves `jwks`, so it still follows the keys).
    return {
      outs: compact({
        ...withoutSchedule(olds),
        ...keyOutputs(ring, desired, desired.jwksUri !== undefined ? jwks : olds.jwks),
        desired,
        adminToken: news.adminToken,
      }),
    };
  }
  const handle = handleOf(olds);
  let record: ClientRecord;
  try {
    record = await updateClient(handle, owned, desired.updateMethod, {
      ...managementOptions(desired, news, olds),
      current: idpView(olds),
    });
  } catch (e) {
    await report(desired, id, isDcrError(e, "ERR_RAT_INVALID") ? "rat_invalid" : "jwks_rotation_failed");
    const newKids = ring.usedKids.length !== olds.usedKids.length;
    if (handle.registrationAccessToken === olds.registrationAccessToken && !newKids) throw e;
    // Keep what the IdP handed back (a rotated RAT) and remember generated kids as used, so a key
    // that may have reached the IdP without being recorded is treated as retired, never as foreign.
    throw partialFailure(e, id, news, { ...olds, ...handleOutputs(handle), usedKids: ring.usedKids });
  }
  try {
    const outs = written(outputsOf(record, ring, desired, jwks, news), owned, want, olds.applied);
    await report(desired, id, "success");
    const next = ring.next ? `; next key ${ring.next.kid} published ahead, active from ${ring.next.activatesAt}` : "";
    if (ring.plan.generate) logInfo(`DcrClient ${id}: JWKS rotated successfully; active key ${ring.activeKid}${next}`);
    return { outs };
  } catch (e) {
    throw partialFailure(e, id, news, stub(record.handle, desired, ring, jwks));
  }
}

/** Deletes the client; already gone counts as done. */
export async function remove(id: string, props: DcrOutputs): Promise<void> {
  warnInsecure(props.desired, id);
  const outcome = await deleteClient(handleOf(props), managementOptions(props.desired, undefined, props));
  logInfo(`DcrClient ${id}: ${outcome === "gone" ? "was already gone at the IdP" : "deleted at the IdP"}`);
}

// ---- helpers -------------------------------------------------------------------------------

function iatOf(inputs: DcrInputs): string | undefined {
  return inputs.initialAccessToken ?? stackSecret("initialAccessToken");
}

/** The one missing-IAT rule: a new registration needs an IAT, unless adopting or the IdP registers openly. */
function missingIat(inputs: DcrInputs): boolean {
  return !inputs.adopt && !inputs.openRegistration && !iatOf(inputs);
}

function requestOptions(from: Pick<DcrInputs, "timeoutSeconds" | "allowInsecureHttp">): RequestOptions {
  const opts: RequestOptions = { timeoutMs: (from.timeoutSeconds ?? DEFAULTS.timeoutSeconds) * 1000, log: logInfo };
  if (from.allowInsecureHttp === true) opts.allowInsecureHttp = true;
  return opts;
}

/**
 * Options for requests about an existing client. The admin token comes from the inputs (create,
 * update), else from the outputs (refresh and delete get no inputs; an explicit `adminToken`
 * input is kept there as a secret output), else from `dcr:adminToken`.
 */
function managementOptions(
  desired: DesiredRecord,
  inputs?: Pick<DcrInputs, "adminToken">,
  outs?: Pick<DcrOutputs, "adminToken">,
): RequestOptions & RenewalOptions {
  const opts: RequestOptions & RenewalOptions = requestOptions(desired);
  const adminToken = inputs?.adminToken ?? outs?.adminToken ?? stackSecret("adminToken");
  if (adminToken !== undefined) opts.adminToken = adminToken;
  if (desired.ratRenewalPath !== undefined) opts.ratRenewalPath = desired.ratRenewalPath;
  return opts;
}

function naming(desired: DesiredRecord): { kidPrefix: string; kid?: string } {
  return desired.kid !== undefined
    ? { kidPrefix: desired.kidPrefix, kid: desired.kid }
    : { kidPrefix: desired.kidPrefix };
}

/** The desired record for `inputs`; without I/O (a changed issuer keeps a placeholder endpoint: it replaces anyway). */
async function desiredFor(inputs: DcrInputs, olds: DcrOutputs | undefined, endpoint?: string): Promise<DesiredRecord> {
  const resolved =
    endpoint ??
    inputs.registrationEndpoint ??
    (olds && inputs.issuer === olds.desired.issuer
      ? olds.desired.registrationEndpoint
      : `discovered from ${inputs.issuer}`);
  const pem = inputs.signingKeyPem ?? stackSecret("signingKeyPem");
  return desiredRecord(
    inputs,
    resolved,
    pem !== undefined ? { signingKeyThumbprint: await pemThumbprint(pem, inputs) } : {},
  );
}

/**
 * Thumbprints of bring-your-own keys by algorithm and PEM, for the life of the provider host:
 * check, diff and update each need it, and a PEM parse (with export) is the costliest step of a
 * no-op run. Failures are not kept.
 */
const thumbprints = new Map<string, Promise<string>>();

/** The RFC 7638 thumbprint of a BYO key; validates the PEM against the algorithm on first use. */
function pemThumbprint(pem: string, inputs: DcrInputs): Promise<string> {
  const alg = inputs.keyAlgorithm ?? DEFAULTS.keyAlgorithm;
  const key = `${alg}\n${pem}`;
  let pending = thumbprints.get(key);
  if (pending === undefined) {
    pending = importPrivateKeyPem(pem, alg, "thumbprint", new Date(0)).then((m) => thumbprint(m.publicJwk));
    thumbprints.set(key, pending);
    pending.catch(() => thumbprints.delete(key));
  }
  return pending;
}

/** A bring-your-own key, imported only when its PEM is new to this resource. */
async function ownKey(inputs: DcrInputs, desired: DesiredRecord, held: KeyHoldings, now: Date) {
  const pem = inputs.signingKeyPem ?? stackSecret("signingKeyPem");
  if (pem === undefined || desired.signingKeyThumbprint === undefined) return undefined;
  const previous = (held as Partial<DcrOutputs>).desired?.signingKeyThumbprint;
  if (previous === desired.signingKeyThumbprint) return undefined;
  return importOwnKey(pem, desired.keyAlgorithm, naming(desired), new Set(held.usedKids), now);
}

/** Adopt: read the existing client with the given RAT, then publish our keys with one update. */
async function adopt(inputs: DcrInputs, desired: DesiredRecord, own: Awaited<ReturnType<typeof ownKey>>) {
  const a = inputs.adopt as NonNullable<DcrInputs["adopt"]>;
  const handle: ClientHandle = {
    clientId: a.clientId,
    registrationClientUri:
      a.registrationClientUri ??
      `${desired.registrationEndpoint.replace(/\/+$/, "")}/${encodeURIComponent(a.clientId)}`,
    registrationAccessToken: a.registrationAccessToken,
  };
  const opts = managementOptions(desired, inputs);
  const current = await readClient(handle, opts);
  const idpJwks = (current.metadata.jwks as Jwks | undefined) ?? { keys: [] };
  const inherited = inheritedKeys(idpJwks, desired.keyAlgorithm);
  const held: KeyHoldings = {
    keys: inherited,
    privateJwks: { keys: [] },
    jwks: idpJwks,
    usedKids: inherited.map((k) => k.kid),
  };
  const ring = await applyKeys(held, policyOf(desired), clock(), naming(desired), own);
  const jwks = composeJwks(ring.records, ring.publicByKid, foreignKeys(idpJwks, ring.usedKids));
  const want = wantedMembers(desired, jwks, current.metadata.redirect_uris as string[] | undefined);
  const record = await updateClient(handle, want, desired.updateMethod, { ...opts, current: current.metadata });
  try {
    const outs = written(outputsOf(record, ring, desired, jwks, inputs), want, want, undefined);
    await report(desired, handle.clientId, "success");
    return { id: handle.clientId, outs };
  } catch (e) {
    throw partialFailure(e, handle.clientId, inputs, stub(record.handle, desired, ring, jwks));
  }
}

/**
 * Outputs after a write of `sent`: what the IdP answered differently is recorded as applied
 * (plan/applied.ts) and warned about once, here, never again on later runs.
 */
function written(
  outs: DcrOutputs,
  sent: Record<string, unknown>,
  want: Record<string, unknown>,
  previous: Applied | undefined,
): DcrOutputs {
  const { applied, substitutions } = afterWrite(sent, idpView(outs), want, previous, ourKids(outs));
  for (const s of substitutions) logWarn(`DcrClient ${outs.clientId}: ${describeSubstitution(s)}`);
  return compact({ ...outs, applied: Object.keys(applied).length > 0 ? applied : undefined });
}

/** The warning every run gives while plain http is allowed towards a non-loopback IdP. */
function warnInsecure(desired: DesiredRecord, who: string): void {
  if (desired.allowInsecureHttp !== true) return;
  logWarn(
    `DcrClient ${who}: allowInsecureHttp is set: tokens and keys may travel over plain http to the IdP; use it only on a private network you control`,
  );
}

async function report(desired: DesiredRecord, clientId: string, status: DcrStatus): Promise<void> {
  await pushStatus(desired.pushgatewayUrl, clientId, status, logWarn, desired.metricName);
}
