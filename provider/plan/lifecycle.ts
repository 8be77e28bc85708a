/**
 * The lifecycle decisions around one client, pure: whether a call is a create, whether a
 * replacement deletes first, whether a new registration lacks its token, the body and endpoint
 * of a registration, the handle of an adopted client, and the guard against adopting the client
 * a resource already manages.
 */
import type { ClientHandle } from "../protocol/types";
import type { DcrInputs, DcrOutputs, DesiredRecord } from "../types";

/** A check() is for a create when there are no old inputs (the engine's own members excluded by the caller). */
export function isCreateCall(olds: Readonly<Record<string, unknown>> | undefined): boolean {
  return olds === undefined || Object.keys(olds).length === 0;
}

/**
 * The one delete-before-replace rule: a desired client_id cannot exist twice at the IdP, so a
 * resource that asks for a fixed `clientId` deletes the old client before registering the
 * replacement (else the IdP refuses it, 409). Used by the resource's options and by diff.
 */
export function deletesBeforeReplace(clientId: unknown): boolean {
  return clientId !== undefined;
}

/** An explicit input wins over the same secret from stack config. */
export function secretArg(explicit: string | undefined, fromConfig: string | undefined): string | undefined {
  return explicit ?? fromConfig;
}

/** The one missing-IAT rule: a new registration needs an IAT, unless adopting or the IdP registers openly. */
export function lacksIat(inputs: Pick<DcrInputs, "adopt" | "openRegistration">, iat: string | undefined): boolean {
  return !inputs.adopt && !inputs.openRegistration && !iat;
}

/** The registration body: the owned members, plus the desired `client_id` when one is fixed. */
export function registrationBody(want: Record<string, unknown>, desired: DesiredRecord): Record<string, unknown> {
  return desired.clientId !== undefined ? { ...want, client_id: desired.clientId } : want;
}

/**
 * The registration endpoint a desired record names, without I/O: the one discovered now, else the
 * input, else the recorded one while the issuer is unchanged; a changed issuer gets a placeholder
 * that differs from any URL, which replaces the client anyway (the replacement discovers it).
 */
export function registrationEndpointOf(
  inputs: Pick<DcrInputs, "registrationEndpoint" | "issuer">,
  olds: Pick<DcrOutputs, "desired"> | undefined,
  discovered?: string,
): string {
  return (
    discovered ??
    inputs.registrationEndpoint ??
    (olds && inputs.issuer === olds.desired.issuer
      ? olds.desired.registrationEndpoint
      : `discovered from ${inputs.issuer}`)
  );
}

/** The handle of a client to adopt; its URI defaults to `<registration endpoint>/<client_id>` (RFC 7592 §2 style). */
export function adoptedHandle(adopt: NonNullable<DcrInputs["adopt"]>, registrationEndpoint: string): ClientHandle {
  return {
    clientId: adopt.clientId,
    registrationClientUri:
      adopt.registrationClientUri ??
      `${registrationEndpoint.replace(/\/+$/, "")}/${encodeURIComponent(adopt.clientId)}`,
    registrationAccessToken: adopt.registrationAccessToken,
  };
}

/**
 * Why `news` must not be applied to `olds`: adopting the client this resource already manages
 * would REPLACE it, and the replacement's delete step would delete that very client at the IdP.
 * Undefined when there is no such problem.
 */
export function adoptSelfProblem(
  news: Pick<DcrInputs, "adopt">,
  olds: Pick<DcrOutputs, "clientId" | "desired">,
): string | undefined {
  if (news.adopt === undefined || news.adopt.clientId !== olds.clientId) return undefined;
  if (olds.desired.adoptedClientId === news.adopt.clientId) return undefined;
  return (
    `"adopt.clientId" names client ${olds.clientId}, which this resource already manages: adopting it again would replace the resource and delete the client. ` +
    "To hand this resource a fresh registration access token, first remove it from state (`pulumi state delete <urn>`), then run `pulumi up` with `adopt`"
  );
}
