/**
 * Pure mappers between what the IdP answered, the keyring and the outputs state keeps: the
 * handle of a client, the outputs after a write, the outputs after a refresh, and the minimal
 * outputs kept when a later step fails.
 */
import type { Keyring } from "../keyring";
import type { ClientHandle, ClientRecord } from "../protocol/types";
import type { DcrInputs, DcrOutputs, DesiredRecord, Jwks } from "../types";
import { compact } from "../json";
import { policyOf } from "./diff";
import { dueAt } from "./keys";

/** The handle that manages the client these outputs describe. */
export function handleOf(o: DcrOutputs): ClientHandle {
  const h: ClientHandle = {
    clientId: o.clientId,
    registrationClientUri: o.registrationClientUri,
    registrationAccessToken: o.registrationAccessToken,
  };
  if (o.clientSecret !== undefined) h.clientSecret = o.clientSecret;
  return h;
}

/** The outputs a handle carries (client id, URI, RAT, secret). */
export function handleOutputs(h: ClientHandle): Partial<DcrOutputs> {
  return compact({
    clientId: h.clientId,
    registrationClientUri: h.registrationClientUri,
    registrationAccessToken: h.registrationAccessToken,
    clientSecret: h.clientSecret,
  });
}

/** Metadata as the IdP holds it, minus what other outputs carry. */
export function metadataOf(record: ClientRecord): Record<string, unknown> {
  const { jwks: _jwks, redirect_uris: _r, ...rest } = record.metadata;
  return rest;
}

/** Old outputs updated with what the IdP holds now. */
export function observed(props: DcrOutputs, record: ClientRecord): DcrOutputs {
  const idpJwks = record.metadata.jwks as Jwks | undefined;
  return compact({
    ...props,
    ...handleOutputs(record.handle),
    clientSecretExpiresAt: record.clientSecretExpiresAt ?? props.clientSecretExpiresAt,
    // An IdP that does not show jwks at all cannot show key drift: keep what was published.
    jwks: props.desired.jwksUri !== undefined ? props.jwks : (idpJwks ?? props.jwks),
    redirectUris: (record.metadata.redirect_uris as string[] | undefined) ?? [],
    metadata: metadataOf(record),
  }) as DcrOutputs;
}

/** The outputs a keyring carries, with the next instant anything time-based is due. */
function keyOutputs(ring: Keyring, desired: DesiredRecord, jwks: Jwks): Partial<DcrOutputs> {
  const due = dueAt(
    {
      managed: ring.records,
      usedKids: ring.usedKids,
      ...(ring.appliedTrigger !== undefined ? { appliedTrigger: ring.appliedTrigger } : {}),
    },
    policyOf(desired),
  );
  return compact({
    jwks,
    activeKid: ring.activeKid,
    privateKeyPem: ring.privateKeyPem,
    privateJwks: ring.privateJwks,
    keys: ring.records,
    usedKids: ring.usedKids,
    appliedTrigger: ring.appliedTrigger,
    nextRotationAt: due?.toISOString(),
    ...nextKeyOutputs(ring),
  });
}

/** Outputs after the IdP accepted a registration or update. */
export function outputsOf(
  record: ClientRecord,
  ring: Keyring,
  desired: DesiredRecord,
  published: Jwks,
  inputs: Pick<DcrInputs, "adminToken">,
): DcrOutputs {
  const idpJwks = record.metadata.jwks as Jwks | undefined;
  const jwks = desired.jwksUri !== undefined ? published : (idpJwks ?? published);
  return compact({
    ...handleOutputs(record.handle),
    clientSecretExpiresAt: record.clientSecretExpiresAt,
    registrationEndpoint: desired.registrationEndpoint,
    ...keyOutputs(ring, desired, jwks),
    redirectUris: (record.metadata.redirect_uris as string[] | undefined) ?? [],
    metadata: metadataOf(record),
    desired,
    adminToken: inputs.adminToken,
  }) as DcrOutputs;
}

/** Minimal outputs for partial-failure state: the client, its RAT, and the keys we published. */
export function stub(handle: ClientHandle, desired: DesiredRecord, ring: Keyring, jwks: Jwks): Partial<DcrOutputs> {
  return {
    ...handleOutputs(handle),
    registrationEndpoint: desired.registrationEndpoint,
    ...keyOutputs(ring, desired, jwks),
    redirectUris: [],
    metadata: {},
    desired,
  };
}

/** Outputs about the key published ahead (each undefined when there is none). */
function nextKeyOutputs(ring: Keyring): Pick<DcrOutputs, "nextKid" | "nextKeyActivatesAt" | "nextPrivateKeyPem"> {
  return {
    nextKid: ring.next?.kid,
    nextKeyActivatesAt: ring.next?.activatesAt,
    nextPrivateKeyPem: ring.next?.privateKeyPem,
  };
}

/**
 * Old outputs without the key schedule, which every update recomputes: merged under new key
 * outputs, a next key that has meanwhile become active (or a due date no longer pending) must
 * not linger.
 */
export function withoutSchedule(outputs: DcrOutputs): DcrOutputs {
  const { nextKid: _k, nextKeyActivatesAt: _a, nextPrivateKeyPem: _p, nextRotationAt: _r, ...rest } = outputs;
  return rest;
}

/**
 * Outputs of an update that sends nothing (nothing differs at the IdP): the old outputs with the
 * new keyring and desired record. With jwksUri the application serves `jwks`, so it still
 * follows the keys; inline, `jwks` stays what the IdP holds.
 */
export function unchangedOutputs(
  olds: DcrOutputs,
  ring: Keyring,
  desired: DesiredRecord,
  published: Jwks,
  inputs: Pick<DcrInputs, "adminToken">,
): DcrOutputs {
  return compact({
    ...withoutSchedule(olds),
    ...keyOutputs(ring, desired, desired.jwksUri !== undefined ? published : olds.jwks),
    desired,
    adminToken: inputs.adminToken,
  }) as DcrOutputs;
}
