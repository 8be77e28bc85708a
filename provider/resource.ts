/**
 * The DcrClient resource: wiring only. It fills arguments the program did not pass from stack
 * config `dcr:<name>`, marks secrets, and hands everything to the thin serialized provider.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DcrClientArgs } from "./args";
import { argsWithConfig } from "./config-args";
import { deletesBeforeReplace } from "./plan/lifecycle";
import { dcrProvider } from "./provider-stub";
import { SECRET_OUTPUTS, type Jwks, type KeyRecord } from "./types";

/** The outputs DcrClient declares (every Output-typed member but the engine's own `id` and `urn`). */
export type DeclaredOutput = Exclude<
  { [K in keyof DcrClient]: DcrClient[K] extends pulumi.Output<unknown> ? K : never }[keyof DcrClient],
  "id" | "urn"
>;

/** An OAuth 2.0 client owned through Dynamic Client Registration (RFC 7591/7592). */
export class DcrClient extends pulumi.dynamic.Resource {
  /** The client's `client_id`. */
  declare readonly clientId: pulumi.Output<string>;
  /** Where the client is managed (RFC 7592). */
  declare readonly registrationClientUri: pulumi.Output<string>;
  /** Registration Access Token (secret). */
  declare readonly registrationAccessToken: pulumi.Output<string>;
  /** Client secret, when the IdP issued one (secret). */
  declare readonly clientSecret: pulumi.Output<string | undefined>;
  /** The resolved registration endpoint. */
  declare readonly registrationEndpoint: pulumi.Output<string>;
  /** Public JWK Set the IdP holds for the client; serve it at `jwksUri` when you use one. */
  declare readonly jwks: pulumi.Output<Jwks>;
  /** Kid of the active (signing) key. */
  declare readonly activeKid: pulumi.Output<string>;
  /** PKCS#8 PEM of the active key (secret): what the application signs client assertions with. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  /**
   * Private JWK Set of the active key (secret): one key, the same key as `privateKeyPem`. A key
   * rotated out stays published for the overlap, but its private half is discarded, since only
   * the active key signs.
   */
  declare readonly privateJwks: pulumi.Output<Jwks<Record<string, unknown>>>;
  /** Managed keys, newest first. */
  declare readonly keys: pulumi.Output<KeyRecord[]>;
  /** `redirect_uris` as the IdP holds them. */
  declare readonly redirectUris: pulumi.Output<string[]>;
  /** When the next key step becomes due — publication, activation, rotation or retirement (ISO-8601). */
  declare readonly nextRotationAt: pulumi.Output<string | undefined>;
  /** Kid of the key published ahead of use (`publishAheadDays`), until it becomes active. */
  declare readonly nextKid: pulumi.Output<string | undefined>;
  /** When `nextKid` becomes the active key (ISO-8601). */
  declare readonly nextKeyActivatesAt: pulumi.Output<string | undefined>;
  /** PKCS#8 PEM of `nextKid` (secret): load it before `nextKeyActivatesAt` to switch without a gap. */
  declare readonly nextPrivateKeyPem: pulumi.Output<string | undefined>;
  /** The client's metadata as the IdP holds it. */
  declare readonly metadata: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: DcrClientArgs = {}, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = withConfigDefaults(args, new pulumi.Config("dcr"));
    // One placeholder per declared output (the engine fills them); typed over the class's outputs
    // so a missing or misspelt one does not compile.
    const outputs = {
      clientId: undefined,
      registrationClientUri: undefined,
      registrationAccessToken: undefined,
      clientSecret: undefined,
      registrationEndpoint: undefined,
      jwks: undefined,
      activeKid: undefined,
      privateKeyPem: undefined,
      privateJwks: undefined,
      keys: undefined,
      redirectUris: undefined,
      nextRotationAt: undefined,
      metadata: undefined,
      nextKid: undefined,
      nextKeyActivatesAt: undefined,
      nextPrivateKeyPem: undefined,
    } satisfies Record<DeclaredOutput, undefined>;
    super(
      dcrProvider,
      name,
      { ...outputs, ...inputs },
      {
        ...opts,
        // A fixed client_id cannot exist twice at the IdP (plan/lifecycle.ts, the rule diff uses too).
        deleteBeforeReplace: opts.deleteBeforeReplace ?? deletesBeforeReplace(inputs.clientId),
        additionalSecretOutputs: [...new Set([...(opts.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS])],
      },
      "dcr",
      "DcrClient",
    );
  }
}

/**
 * Program-side defaults (the rule is config-args.ts): every argument not passed comes from
 * `dcr:<name>` config; secret ones are wrapped with pulumi.secret so state keeps them encrypted.
 * Config strings reach check() as strings; check() parses and validates them, naming the property.
 */
function withConfigDefaults(args: DcrClientArgs, config: pulumi.Config): Record<string, unknown> {
  const { values, secret } = argsWithConfig(args as Record<string, unknown>, {
    get: (name) => config.get(name),
    getSecret: (name) => config.getSecret(name),
  });
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secret.has(k) ? pulumi.secret(v) : v]));
}
