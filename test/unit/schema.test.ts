/**
 * The `dcr` package schema (provider/plugin/schema.json) against its one source: the argument
 * names and handling, DEFAULTS, the enum lists, the declared outputs, SECRET_OUTPUTS and the
 * TSDoc of every property; and the committed file against a fresh generation.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ARG_HANDLING, ARG_NAMES } from "../../provider/args";
import { DEFAULTS } from "../../provider/defaults";
import { KEY_ALGORITHMS } from "../../provider/key-algorithms";
import { REDIRECT_UPDATE_MODES } from "../../provider/plan/redirects";
import { CLIENT_TOKEN, TYPE_TOKENS } from "../../provider/schema/build";
import type { ComplexTypeSpec, PackageSpec, PropertySpec } from "../../provider/schema/spec";
import { SECRET_OUTPUTS } from "../../provider/types";
import { findRepo, generateSchemaText, SCHEMA_PATH } from "../../scripts/gen-schema";
import { readDeclarationDocs } from "../../scripts/tsdoc";

const repo = findRepo(__dirname);
const committed = readFileSync(path.join(repo, SCHEMA_PATH), "utf8");
const schema = JSON.parse(committed) as PackageSpec;
const client = schema.resources[CLIENT_TOKEN]!;
const docsOf = (file: string, name: string) =>
  readDeclarationDocs(file, readFileSync(path.join(repo, file), "utf8"), name);

/** The 16 public outputs of DcrClient, in declaration order. */
const OUTPUTS = [
  "clientId",
  "registrationClientUri",
  "registrationAccessToken",
  "clientSecret",
  "registrationEndpoint",
  "jwks",
  "activeKid",
  "privateKeyPem",
  "privateJwks",
  "keys",
  "redirectUris",
  "nextRotationAt",
  "nextKid",
  "nextKeyActivatesAt",
  "nextPrivateKeyPem",
  "metadata",
];

const secretNames = (props: Record<string, PropertySpec>) =>
  Object.entries(props)
    .filter(([, p]) => p.secret === true)
    .map(([n]) => n);
const defaults = (props: Record<string, PropertySpec>) =>
  Object.fromEntries(Object.entries(props).flatMap(([n, p]) => (p.default === undefined ? [] : [[n, p.default]])));
const enumValues = (token: string) => {
  const t = schema.types[token] as Extract<ComplexTypeSpec, { enum: unknown }>;
  return t.enum.map((e) => e.value);
};

test("schema: the committed schema.json is what the sources generate (run `npm run gen` when this fails)", () => {
  const fresh = generateSchemaText(repo).split("\n");
  const lines = committed.split("\n");
  const at = lines.findIndex((line, i) => line !== fresh[i]);
  assert.equal(lines.length, fresh.length, `line counts differ: committed ${lines.length}, generated ${fresh.length}`);
  assert.equal(at, -1, `line ${at + 1}: committed ${lines[at]} / generated ${fresh[at]}`);
});

test("schema: package identity, resource token and language settings", () => {
  const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string };
  assert.equal(schema.name, "dcr");
  assert.equal(schema.version, pkg.version);
  assert.deepEqual(Object.keys(schema.resources), ["dcr:index:Client"]);
  assert.equal(schema.language.python!.packageName, "pulumi_dcr");
  assert.equal(schema.language.go!.importBasePath, "github.com/pulumi-dcr/pulumi-dcr/sdk/go/dcr");
  assert.equal(schema.language.nodejs!.packageName, "@pulumi-dcr/dcr");
});

test("schema: the resource's inputs, the provider's inputs and the config keys are exactly ARG_NAMES", () => {
  assert.deepEqual(Object.keys(client.inputProperties), ARG_NAMES);
  assert.deepEqual(Object.keys(schema.provider.inputProperties), ARG_NAMES);
  assert.deepEqual(Object.keys(schema.config.variables), ARG_NAMES);
});

test("schema: the outputs are DcrClient's declared outputs; required = those never undefined", () => {
  assert.deepEqual(Object.keys(client.properties!), OUTPUTS);
  const optional = ["clientSecret", "nextRotationAt", "nextKid", "nextKeyActivatesAt", "nextPrivateKeyPem"];
  assert.deepEqual(
    client.required,
    OUTPUTS.filter((n) => !optional.includes(n)),
  );
});

test("schema: secret inputs follow ARG_HANDLING, secret outputs follow SECRET_OUTPUTS", () => {
  const secretArgs = ARG_NAMES.filter((n) => ARG_HANDLING[n] !== "plain");
  assert.deepEqual(secretArgs, ["initialAccessToken", "signingKeyPem", "adopt", "adminToken"]);
  assert.deepEqual(secretNames(client.inputProperties), secretArgs);
  assert.deepEqual(secretNames(schema.provider.inputProperties), secretArgs);
  assert.deepEqual(secretNames(schema.config.variables), secretArgs);
  // adminToken is kept in state as a secret but is not a public output (refresh/delete use it).
  assert.deepEqual(
    secretNames(client.properties!),
    SECRET_OUTPUTS.filter((n) => OUTPUTS.includes(n)),
  );
  assert.deepEqual(
    SECRET_OUTPUTS.filter((n) => !OUTPUTS.includes(n)),
    ["adminToken"],
  );
  const adopt = schema.types[TYPE_TOKENS.Adopt] as Extract<ComplexTypeSpec, { properties: unknown }>;
  assert.deepEqual(secretNames(adopt.properties), ["registrationAccessToken"]);
});

test("schema: defaults are DEFAULTS, on the config and the provider, never on the resource's inputs", () => {
  const expected = {
    updateMethod: "PUT",
    keyAlgorithm: "RS256",
    kidPrefix: "dcr",
    rotateAfterDays: 30,
    retireAfterDays: 60,
    maxKeys: 3,
    publishAheadDays: 0,
    ratRenewalPath: "/api/admin/dcr/clients/{client_id}/tokens",
    metricName: "bff_dcr_status",
    timeoutSeconds: 30,
  };
  for (const [name, value] of Object.entries(expected)) assert.equal(DEFAULTS[name as keyof typeof DEFAULTS], value);
  assert.deepEqual(defaults(schema.config.variables), expected);
  assert.deepEqual(defaults(schema.provider.inputProperties), expected);
  assert.deepEqual(defaults(client.inputProperties), {});
});

test("schema: enum types hold exactly the TypeScript lists", () => {
  assert.deepEqual(enumValues(TYPE_TOKENS.KeyAlgorithm), [...KEY_ALGORITHMS]);
  assert.deepEqual(enumValues(TYPE_TOKENS.RedirectUpdateMode), [...REDIRECT_UPDATE_MODES]);
  assert.deepEqual(enumValues(TYPE_TOKENS.UpdateMethod), ["PUT", "PATCH"]);
  assert.deepEqual(client.inputProperties.keyAlgorithm!.$ref, `#/types/${TYPE_TOKENS.KeyAlgorithm}`);
  // Config is text: an enum-valued key is a string there.
  assert.equal(schema.config.variables.keyAlgorithm!.type, "string");
});

test("schema: every description is its property's TSDoc", () => {
  const args = docsOf("provider/args.ts", "DcrClientArgs").members;
  const outputs = docsOf("provider/resource.ts", "DcrClient");
  for (const name of ARG_NAMES) {
    assert.ok(args[name], name);
    assert.equal(client.inputProperties[name]!.description, args[name], name);
    assert.equal(schema.config.variables[name]!.description, args[name], name);
  }
  for (const name of OUTPUTS) assert.equal(client.properties![name]!.description, outputs.members[name], name);
  assert.equal(client.description, outputs.doc);
  assert.equal(
    client.inputProperties.registrationEndpoint!.description,
    "The IdP's RFC 7591 registration endpoint, e.g. `https://idp.example.com/api/oidc/register`. One of " +
      "`registrationEndpoint` or `issuer` is required. https is required except for loopback. Changing it " +
      "replaces the client.\n\nSee RFC 7591 §3.",
  );
  assert.doesNotMatch(committed, /@see|\{@link/);
});

test("tsdoc: links become their text, @see a closing sentence, list items keep their lines", () => {
  const source = [
    "/**",
    " * Uses {@link Foo} and {@link Bar the bar}, wrapped",
    " * over two lines.",
    " * - `a`: first;",
    " * - `b`: second.",
    " *",
    " * Second paragraph.",
    " * @see RFC 7591 §3",
    " */",
    "export interface Thing {",
    "  /** One {@link Thing}. */",
    "  one: string;",
    "  two?: number;",
    "}",
  ].join("\n");
  const docs = readDeclarationDocs("x.ts", source, "Thing");
  assert.equal(
    docs.doc,
    "Uses Foo and the bar, wrapped over two lines.\n- `a`: first;\n- `b`: second.\n\nSecond paragraph.\n\nSee RFC 7591 §3.",
  );
  assert.deepEqual(docs.members, { one: "One Thing.", two: "" });
  assert.throws(() => readDeclarationDocs("x.ts", "/** x\n * @deprecated */\ntype T = 1;", "T"), /@deprecated/);
  assert.throws(() => readDeclarationDocs("x.ts", "type T = 1;", "U"), /no top-level declaration named U/);
});

test("schema: building it loads no @pulumi/pulumi at run time", () => {
  const loaded = Object.keys(require.cache).filter((f) => f.includes(`${path.sep}@pulumi${path.sep}pulumi${path.sep}`));
  assert.deepEqual(loaded, []);
});
