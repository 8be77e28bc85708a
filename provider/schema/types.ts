/**
 * The schema type of every input and output of the `dcr:index:Client` resource, as data the
 * schema builder reads. The compiler keeps these tables whole (one row per argument of
 * `DcrClientArgs`, per declared output of `DcrClient`, per member of the object types) and checks
 * that each row's schema type means the same as the TypeScript type of its property. Pure: the
 * `@pulumi/pulumi` import is a type import only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DcrAdoptArgs, DcrClientArgs } from "../args";
import type { KeyAlgorithm } from "../key-algorithms";
import type { RedirectUpdateMode } from "../plan/redirects";
import type { DcrClient, DeclaredOutput } from "../resource";
import type { AdoptInputs, DcrInputs, DcrOutputs, KeyRecord } from "../types";

/** Values of `updateMethod`, in documentation order. */
export const UPDATE_METHODS = Object.freeze(["PUT", "PATCH"] as const);

/**
 * A schema type: a primitive, a list of strings, `json` (`pulumi.json#/Any`: any JSON value,
 * kept verbatim), `map` (an object of any JSON values), one of the enums, or one of the object
 * types. Names other than the primitives are the `dcr:index:<name>` types of the schema.
 */
export type SchemaKind =
  | "string"
  | "integer"
  | "boolean"
  | "string[]"
  | "json"
  | "map"
  | "KeyAlgorithm"
  | "RedirectUpdateMode"
  | "UpdateMethod"
  | "AdoptArgs"
  | "KeyRecord[]";

/** One property: its schema type, and whether it is always present. */
export interface FieldSpec {
  readonly kind: SchemaKind;
  readonly required?: true;
}

/** The TypeScript type each schema kind stands for (`json` is checked apart: any object fits it). */
interface KindTypes {
  string: string;
  integer: number;
  boolean: boolean;
  "string[]": string[];
  json: object;
  map: Record<string, unknown>;
  KeyAlgorithm: KeyAlgorithm;
  RedirectUpdateMode: RedirectUpdateMode;
  UpdateMethod: (typeof UPDATE_METHODS)[number];
  AdoptArgs: AdoptInputs;
  "KeyRecord[]": KeyRecord[];
}

/** Every argument of `DcrClient` (all optional: `issuer` or `registrationEndpoint` is checked by the provider). */
export const INPUT_FIELDS = {
  registrationEndpoint: { kind: "string" },
  issuer: { kind: "string" },
  initialAccessToken: { kind: "string" },
  openRegistration: { kind: "boolean" },
  updateMethod: { kind: "UpdateMethod" },
  clientId: { kind: "string" },
  clientName: { kind: "string" },
  profile: { kind: "string" },
  metadata: { kind: "map" },
  redirectUris: { kind: "string[]" },
  redirectUpdateMode: { kind: "RedirectUpdateMode" },
  rotationSafe: { kind: "boolean" },
  jwksUri: { kind: "string" },
  keyAlgorithm: { kind: "KeyAlgorithm" },
  kid: { kind: "string" },
  kidPrefix: { kind: "string" },
  signingKeyPem: { kind: "string" },
  rotateAfterDays: { kind: "integer" },
  retireAfterDays: { kind: "integer" },
  maxKeys: { kind: "integer" },
  publishAheadDays: { kind: "integer" },
  rotationTrigger: { kind: "string" },
  adopt: { kind: "AdoptArgs" },
  adminToken: { kind: "string" },
  ratRenewalPath: { kind: "string" },
  pushgatewayUrl: { kind: "string" },
  metricName: { kind: "string" },
  timeoutSeconds: { kind: "integer" },
  allowInsecureHttp: { kind: "boolean" },
} as const satisfies Record<keyof DcrClientArgs, FieldSpec>;

/** Every declared output of `DcrClient`, in its declaration order. */
export const OUTPUT_FIELDS = {
  clientId: { kind: "string", required: true },
  registrationClientUri: { kind: "string", required: true },
  registrationAccessToken: { kind: "string", required: true },
  clientSecret: { kind: "string" },
  registrationEndpoint: { kind: "string", required: true },
  jwks: { kind: "json", required: true },
  activeKid: { kind: "string", required: true },
  privateKeyPem: { kind: "string", required: true },
  privateJwks: { kind: "json", required: true },
  keys: { kind: "KeyRecord[]", required: true },
  redirectUris: { kind: "string[]", required: true },
  nextRotationAt: { kind: "string" },
  nextKid: { kind: "string" },
  nextKeyActivatesAt: { kind: "string" },
  nextPrivateKeyPem: { kind: "string" },
  metadata: { kind: "map", required: true },
} as const satisfies Record<DeclaredOutput, FieldSpec>;

/** Members of the `dcr:index:AdoptArgs` object type (the `adopt` input). */
export const ADOPT_FIELDS = {
  clientId: { kind: "string", required: true },
  registrationAccessToken: { kind: "string", required: true },
  registrationClientUri: { kind: "string" },
} as const satisfies Record<keyof DcrAdoptArgs, FieldSpec>;

/** Members of the `dcr:index:KeyRecord` object type (items of the `keys` output). */
export const KEY_RECORD_FIELDS = {
  kid: { kind: "string", required: true },
  alg: { kind: "KeyAlgorithm", required: true },
  createdAt: { kind: "string", required: true },
  activatesAt: { kind: "string" },
  activatedAt: { kind: "string" },
} as const satisfies Record<keyof KeyRecord, FieldSpec>;

// ---- compile-time checks: each row means the TypeScript type of its property ----

/** Mutual assignability (not distributive over unions). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** What a row stands for: its kind's type, `| undefined` unless required. */
type RowType<F extends FieldSpec> = F extends { required: true }
  ? KindTypes[F["kind"]]
  : KindTypes[F["kind"]] | undefined;
/** True when an object-typed T fits a `json` row F (present unless F is optional). */
type FitsJson<F extends FieldSpec, T> = F extends { required: true }
  ? Same<[T] extends [object] ? true : false, true>
  : [T] extends [object | undefined]
    ? Same<undefined extends T ? true : false, true>
    : false;
/**
 * True when row F describes the TypeScript type T. Against `pulumi.Unwrap`ped argument types
 * (U = true) the row's type is unwrapped the same way: `Unwrap` turns `unknown` into `never`,
 * so a `map` of anything compares as `UnwrappedObject<Record<string, unknown>>` on both sides.
 */
type Describes<F extends FieldSpec, T, U extends boolean> = F["kind"] extends "json"
  ? FitsJson<F, T>
  : Same<U extends true ? pulumi.Unwrap<RowType<F>> : RowType<F>, T>;
/** Every row of table Tb checked against the property types of P. */
type Check<Tb extends Record<keyof P, FieldSpec>, P, U extends boolean = false> = {
  [K in keyof Tb & keyof P]: Describes<Tb[K], P[K], U>;
};
/** Compiles only when every member of T is `true`; an error names the member that is not. */
type Expect<T extends Record<string, true>> = T;
/** The value type of an Output. */
type OutputValue<O> = O extends pulumi.Output<infer V> ? V : never;

export type _InputsMatch = Expect<
  Check<typeof INPUT_FIELDS, { [K in keyof DcrClientArgs]: pulumi.Unwrap<DcrClientArgs[K]> }, true>
>;
export type _ResolvedInputsMatch = Expect<Check<typeof INPUT_FIELDS, DcrInputs>>;
export type _OutputsMatch = Expect<Check<typeof OUTPUT_FIELDS, { [K in DeclaredOutput]: OutputValue<DcrClient[K]> }>>;
export type _StateMatches = Expect<Check<typeof OUTPUT_FIELDS, Pick<DcrOutputs, DeclaredOutput>>>;
export type _AdoptMatches = Expect<
  Check<typeof ADOPT_FIELDS, { [K in keyof DcrAdoptArgs]: pulumi.Unwrap<DcrAdoptArgs[K]> }, true>
>;
export type _ResolvedAdoptMatches = Expect<Check<typeof ADOPT_FIELDS, AdoptInputs>>;
export type _KeyRecordMatches = Expect<Check<typeof KEY_RECORD_FIELDS, KeyRecord>>;
