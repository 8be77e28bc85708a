/**
 * Plain http towards an IdP that is not on loopback (the runbook's `http://idp-app:8002` on a
 * container network), through the real engine. The IdP is the seed fixture naming itself
 * `[::ffff:127.0.0.1]`: it reaches this machine's loopback server, but the URL gate does not
 * count it as loopback, so it stands in for a remote host without any traffic leaving the machine.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { createDcrStack } from "../support/dcr-stack";
import { failure } from "../support/engine-ops";

const WARNING = /warning: DcrClient [^:]+: allowInsecureHttp is set: tokens and keys may travel over plain http/;

test("plain http to a non-loopback IdP: refused by default, allowed on purpose with a warning on every run", async () => {
  const idp = await startSeedIdp({ host: "[::ffff:127.0.0.1]" });
  assert.match(idp.registrationEndpoint, /^http:\/\/\[::ffff:127\.0\.0\.1\]:\d+\//);
  const stack = await createDcrStack(
    { bff: { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH", keyAlgorithm: "ES256" } },
    {
      config: { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } },
    },
  );
  try {
    const refused = await failure(stack.up());
    assert.match(
      refused,
      /registrationEndpoint.*must be an https URL \(http is allowed only for loopback, or anywhere with allowInsecureHttp\)/,
    );
    assert.equal(idp.requests.count(), 0, "refused before any request");

    await stack.stack.setConfig("dcr:allowInsecureHttp", { value: "true" });
    const up = await stack.up();
    assert.match(up.stdout, WARNING);
    assert.equal(idp.requests.count("POST"), 1);
    const preview = await stack.preview({ expectNoChanges: true });
    assert.match(`${preview.stdout}${preview.stderr}`, WARNING);
    const refresh = await stack.refresh();
    assert.match(refresh.stdout, WARNING);
    assert.equal(idp.requests.count("GET"), 1, "refresh read the client over plain http");
    const destroyed = await stack.destroy();
    assert.match(destroyed.stdout, WARNING);
    assert.equal(idp.clientIds().length, 0, "deleted over plain http");
  } finally {
    await stack.dispose();
    await idp.close();
  }
});
