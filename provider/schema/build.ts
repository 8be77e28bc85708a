/**
 * Builds the `dcr` Pulumi package schema from the one source of the arguments and outputs: the
 * typed tables of ./types, ARG_HANDLING (secrets), DEFAULTS, the enum lists, SECRET_OUTPUTS, and
 * the TSDoc of each property (read by scripts/gen-schema.ts and passed in as `docs`). Pure and
 * deterministic: properties appear in the tables' order, so the same inputs give the same text.
 */
import { ARG_HANDLING, ARG_NAMES, type ArgName } from "../args";
import { DEFAULTS } from "../defaults";
import { KEY_ALGORITHMS } from "../key-algorithms";
import { REDIRECT_UPDATE_MODES } from "../plan/redirects";
import type { DeclaredOutput } from "../resource";
import { SECRET_OUTPUTS } from "../types";
import type { ComplexTypeSpec, EnumValueSpec, PackageSpec, PropertySpec, TypeSpec } from "./spec";
import {
  ADOPT_FIELDS,
  INPUT_FIELDS,
  KEY_RECORD_FIELDS,
  OUTPUT_FIELDS,
  UPDATE_METHODS,
  type FieldSpec,
  type SchemaKind,
} from "./types";

/** The package name: config keys are `dcr:<argument>`, the resource token `dcr:index:Client`. */
export const PACKAGE = "dcr";
/** The plugin resource's token (Python `pulumi_dcr.Client`, Go `dcr.NewClient`, YAML `dcr:Client`). */
export const CLIENT_TOKEN = "dcr:index:Client";

/** Descriptions of everything the schema documents, each one TSDoc comment as plain text. */
export interface SchemaDocs {
  /** The resource (the `DcrClient` class comment). */
  client: string;
  /** Each argument (the members of `DcrClientArgs`). */
  inputs: Record<ArgName, string>;
  /** Each declared output (the members of `DcrClient`). */
  outputs: Record<DeclaredOutput, string>;
  /** The `adopt` object type and its members (`DcrAdoptArgs`). */
  adopt: { type: string; members: Record<keyof typeof ADOPT_FIELDS, string> };
  /** The key record object type and its members (`KeyRecord`). */
  keyRecord: { type: string; members: Record<keyof typeof KEY_RECORD_FIELDS, string> };
  /** The enum types (`KeyAlgorithm`, `RedirectUpdateMode`). */
  keyAlgorithm: string;
  redirectUpdateMode: string;
}

/** Names of the schema's own types, as `dcr:index:<name>`. */
export const TYPE_TOKENS = {
  KeyAlgorithm: "dcr:index:KeyAlgorithm",
  RedirectUpdateMode: "dcr:index:RedirectUpdateMode",
  UpdateMethod: "dcr:index:UpdateMethod",
  Adopt: "dcr:index:Adopt",
  KeyRecord: "dcr:index:KeyRecord",
} as const;

const ref = (token: string): TypeSpec => ({ $ref: `#/types/${token}` });
const ANY: TypeSpec = { $ref: "pulumi.json#/Any" };

/** The schema type of each kind. */
const KIND_SPECS: Record<SchemaKind, TypeSpec> = {
  string: { type: "string" },
  integer: { type: "integer" },
  boolean: { type: "boolean" },
  "string[]": { type: "array", items: { type: "string" } },
  json: ANY,
  map: { type: "object", additionalProperties: ANY },
  KeyAlgorithm: ref(TYPE_TOKENS.KeyAlgorithm),
  RedirectUpdateMode: ref(TYPE_TOKENS.RedirectUpdateMode),
  UpdateMethod: ref(TYPE_TOKENS.UpdateMethod),
  AdoptArgs: ref(TYPE_TOKENS.Adopt),
  "KeyRecord[]": { type: "array", items: ref(TYPE_TOKENS.KeyRecord) },
};

/**
 * Defaults of the arguments that have one in DEFAULTS. They go on the config variables and the
 * provider's inputs (where a default means "when nothing is set"), NOT on the resource's inputs:
 * the SDKs fill a resource input's schema default in client-side, which would hide `dcr:<name>`
 * config from the provider (its fallback for arguments a program does not pass).
 */
export const ARG_DEFAULTS: Partial<Record<ArgName, string | number>> = Object.fromEntries(
  ARG_NAMES.filter((n) => n in DEFAULTS).map((n) => [n, DEFAULTS[n as keyof typeof DEFAULTS]]),
);

/**
 * Config variables are read as text: an enum is a plain string there (the provider checks the
 * value; Go's generated config getters do not compile with an enum-typed default).
 */
const CONFIG_KIND_SPECS: Record<SchemaKind, TypeSpec> = {
  ...KIND_SPECS,
  KeyAlgorithm: { type: "string" },
  RedirectUpdateMode: { type: "string" },
  UpdateMethod: { type: "string" },
};

/** One property: its type, description, and `secret` / `default` when given. */
function property(
  field: FieldSpec,
  description: string,
  secret: boolean,
  dflt?: string | number,
  kinds: Record<SchemaKind, TypeSpec> = KIND_SPECS,
): PropertySpec {
  const spec: PropertySpec = { ...kinds[field.kind], description };
  if (secret) spec.secret = true;
  if (dflt !== undefined) spec.default = dflt;
  return spec;
}

/** Properties of a table, in its order; `secretOf`/`defaultOf` decide per name. */
function properties<N extends string>(
  table: Record<N, FieldSpec>,
  docs: Record<N, string>,
  secretOf: (name: N) => boolean,
  defaultOf: (name: N) => string | number | undefined = () => undefined,
  kinds: Record<SchemaKind, TypeSpec> = KIND_SPECS,
): Record<string, PropertySpec> {
  const out: Record<string, PropertySpec> = {};
  for (const name of Object.keys(table) as N[]) {
    out[name] = property(table[name], docs[name], secretOf(name), defaultOf(name), kinds);
  }
  return out;
}

/** Names of a table's required rows, in its order. */
function required<N extends string>(table: Record<N, FieldSpec>): string[] {
  return (Object.keys(table) as N[]).filter((n) => table[n].required === true);
}

/** A string enum type; names are the values with a capital first letter (`auto` → `Auto`). */
function enumType(description: string, values: readonly string[]): ComplexTypeSpec {
  const members: EnumValueSpec[] = values.map((value) => ({
    name: value.charAt(0).toUpperCase() + value.slice(1),
    value,
  }));
  return { type: "string", description, enum: members };
}

const isSecretArg = (n: ArgName): boolean => ARG_HANDLING[n] !== "plain";
const isSecretOutput = (n: string): boolean => (SECRET_OUTPUTS as readonly string[]).includes(n);

/** The `dcr` package schema. `version` is the package's (package.json). */
export function buildSchema(docs: SchemaDocs, version: string): PackageSpec {
  const argDefault = (n: ArgName) => ARG_DEFAULTS[n];
  const provider = properties(INPUT_FIELDS, docs.inputs, isSecretArg, argDefault);
  return {
    name: PACKAGE,
    displayName: "DCR (OAuth 2.0 Dynamic Client Registration)",
    version,
    description:
      "Owns an OAuth 2.0 client through Dynamic Client Registration (RFC 7591/7592) and rotates its " +
      "private_key_jwt signing keys.",
    keywords: ["pulumi", "oauth2", "oidc", "dynamic-client-registration", "category/utility"],
    license: "Apache-2.0",
    repository: "https://github.com/pulumi-dcr/pulumi-dcr",
    config: { variables: properties(INPUT_FIELDS, docs.inputs, isSecretArg, argDefault, CONFIG_KIND_SPECS) },
    provider: {
      description:
        "The dcr provider. Every argument of `dcr:index:Client` a program does not pass is taken from " +
        "this provider's configuration (stack config `dcr:<name>` for the default provider).",
      inputProperties: provider,
    },
    resources: {
      [CLIENT_TOKEN]: {
        description: docs.client,
        inputProperties: properties(INPUT_FIELDS, docs.inputs, isSecretArg),
        properties: properties(OUTPUT_FIELDS, docs.outputs, isSecretOutput),
        required: required(OUTPUT_FIELDS),
      },
    },
    types: {
      [TYPE_TOKENS.KeyAlgorithm]: enumType(docs.keyAlgorithm, KEY_ALGORITHMS),
      [TYPE_TOKENS.RedirectUpdateMode]: enumType(docs.redirectUpdateMode, REDIRECT_UPDATE_MODES),
      [TYPE_TOKENS.UpdateMethod]: enumType(docs.inputs.updateMethod, UPDATE_METHODS),
      [TYPE_TOKENS.Adopt]: {
        type: "object",
        description: docs.adopt.type,
        properties: properties(ADOPT_FIELDS, docs.adopt.members, (n) => n === "registrationAccessToken"),
        required: required(ADOPT_FIELDS),
      },
      [TYPE_TOKENS.KeyRecord]: {
        type: "object",
        description: docs.keyRecord.type,
        properties: properties(KEY_RECORD_FIELDS, docs.keyRecord.members, () => false),
        required: required(KEY_RECORD_FIELDS),
      },
    },
    language: {
      python: { packageName: "pulumi_dcr", respectSchemaVersion: true, pyproject: { enabled: true } },
      go: {
        importBasePath: "github.com/pulumi-dcr/pulumi-dcr/sdk/go/dcr",
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
      nodejs: { packageName: "@pulumi-dcr/dcr", respectSchemaVersion: true },
    },
  };
}

/** The schema as committed: two-space JSON, one trailing newline. */
export function schemaText(spec: PackageSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}
