/**
 * The provider plugin's pure parts: its version is the package's, the engine's address is found
 * among the flags the engine passes, Structs round-trip secrets and unknowns, and the one
 * config-defaults rule both faces apply (config-args.ts).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { argsWithConfig, configSecrets } from "../../provider/config-args";
import { engineAddress } from "../../provider/plugin/argv";
import { configFrom } from "../../provider/plugin/config";
import { diffResponse, keyStepElements } from "../../provider/plugin/detailed-diff";
import { PropertyDiff } from "@pulumi/pulumi/proto/provider_pb";
import { SECRET_SIG, SIG_KEY, UNKNOWN, decode, encode } from "../../provider/plugin/marshal";
import { PLUGIN_VERSION } from "../../provider/plugin/version";
import { repoRoot } from "../support/engine";

test("plugin version = package.json version", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
  assert.equal(PLUGIN_VERSION, pkg.version);
});

test("engineAddress: the last argument that is neither a flag nor a flag's value", () => {
  assert.equal(engineAddress(["127.0.0.1:4000"]), "127.0.0.1:4000");
  assert.equal(engineAddress(["--logtostderr", "-v=9", "127.0.0.1:4000"]), "127.0.0.1:4000");
  assert.equal(engineAddress(["--tracing", "127.0.0.1:9411", "127.0.0.1:4000"]), "127.0.0.1:4000");
  assert.equal(engineAddress(["--tracing", "127.0.0.1:9411"]), undefined);
  assert.equal(engineAddress([]), undefined);
});

test("marshal: null members of inputs are unset; secrets are revealed and named by top-level property; unknowns are named; encode wraps by name", () => {
  const wire = Struct.fromJavaScript({
    plain: "a",
    token: { [SIG_KEY]: SECRET_SIG, value: "t0ken-value" },
    nested: { inner: [{ [SIG_KEY]: SECRET_SIG, value: "deep" }], gone: null },
    later: UNKNOWN,
    unset: null,
  });
  assert.deepEqual(decode(wire).values.unset, null, "outputs keep their nulls");
  const d = decode(wire, { dropNulls: true });
  assert.deepEqual(d.values, { plain: "a", token: "t0ken-value", nested: { inner: ["deep"] }, later: UNKNOWN });
  assert.deepEqual([...d.secret].sort(), ["nested", "token"]);
  assert.deepEqual([...d.unknown], ["later"]);
  const back = encode({ plain: "a", token: "t0ken-value", gone: undefined }, new Set(["token", "absent"]));
  assert.deepEqual(back.toJavaScript(), { plain: "a", token: { [SIG_KEY]: SECRET_SIG, value: "t0ken-value" } });
  assert.deepEqual(decode(undefined), { values: {}, secret: new Set(), unknown: new Set() });
});

test("argsWithConfig: passed args win; plain ones from config; secret ones never from config; secretInput from config as secret", () => {
  const config: Record<string, unknown> = {
    rotateAfterDays: "20",
    clientName: "from-config",
    initialAccessToken: "iat-from-config",
    adminToken: "admin-from-config",
    adopt: '{"clientId":"c"}',
  };
  const r = argsWithConfig(
    { clientName: "given", signingKeyPem: "PEM", rotateAfterDayz: 3 },
    { get: (n) => config[n], getSecret: (n) => config[n] },
  );
  assert.deepEqual(r.values, {
    clientName: "given",
    signingKeyPem: "PEM",
    rotateAfterDays: "20",
    adopt: '{"clientId":"c"}',
    rotateAfterDayz: 3,
  });
  assert.deepEqual([...r.secret].sort(), ["adopt", "signingKeyPem"]);
  const getSecretAsked: string[] = [];
  argsWithConfig({}, { get: () => undefined, getSecret: (n) => void getSecretAsked.push(n) });
  assert.deepEqual(getSecretAsked, ["adopt"], "only secretInput arguments are read as secrets");
});

test("configSecrets: the secret arguments config supplies; empty strings are unset", () => {
  const config: Record<string, string> = { initialAccessToken: "iat", adminToken: "", rotateAfterDays: "3" };
  assert.deepEqual(
    configSecrets((n) => config[n]),
    { initialAccessToken: "iat" },
  );
});

test("configFrom: Configure's args, else its dcr:config: variables", () => {
  assert.deepEqual(configFrom({ a: 1 }, new Map([["dcr:config:b", "2"]])), { a: 1 });
  assert.deepEqual(
    configFrom(
      {},
      new Map([
        ["dcr:config:rotateAfterDays", "7"],
        ["dcr:issuer", "https://x"],
      ]),
    ),
    {
      rotateAfterDays: "7",
      issuer: "https://x",
    },
  );
});

test("detailed diff: a due key step is the jwks element it adds or drops (input diff), drift the whole member", () => {
  const held = [{ kid: "new" }, { kid: "old" }];
  assert.deepEqual(
    keyStepElements(
      [
        { kind: "retire", kid: "old" },
        { kind: "rotate", kid: "new" },
      ],
      held,
    ),
    [
      ["jwks.keys[1]", PropertyDiff.Kind.DELETE],
      ["jwks.keys[2]", PropertyDiff.Kind.ADD],
    ],
  );
  assert.deepEqual(keyStepElements([{ kind: "activate", kid: "new" }], held), [["activeKid", PropertyDiff.Kind.ADD]]);
  const outcome = {
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
    properties: [{ path: "jwks", replace: false }],
    reasons: ["jwks: rotation of key new was due at 2026-12-01T00:00:00.000Z"],
  };
  const shown = (keyEvents: { kind: "rotate" | "retire"; kid: string }[]) => {
    const out: Record<string, [number, boolean]> = {};
    diffResponse({ ...outcome, keyEvents }, {}, {}, { keys: held })
      .getDetaileddiffMap()
      .forEach((d, path) => (out[path] = [d.getKind(), d.getInputdiff()]));
    return out;
  };
  assert.deepEqual(shown([{ kind: "rotate", kid: "new" }]), { "jwks.keys[2]": [PropertyDiff.Kind.ADD, true] });
  assert.deepEqual(shown([]), { jwks: [PropertyDiff.Kind.UPDATE, false] });
});
