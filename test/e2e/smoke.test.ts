/**
 * Engine smoke test: a trivial dynamic resource through up, preview --expect-no-changes,
 * refresh and destroy with the real Pulumi CLI, asserting on outputs and exported state.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { createEngineStack } from "../support/engine";

interface EchoOutputs {
  greeting: string;
  length: number;
}

const echoProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { greeting: string }) {
    return { id: `echo-${inputs.greeting}`, outs: { greeting: inputs.greeting, length: inputs.greeting.length } };
  },
  async read(id: string, props: EchoOutputs) {
    return { id, props: { ...props, length: props.greeting.length + 100 } };
  },
};

class Echo extends pulumi.dynamic.Resource {
  declare readonly greeting: pulumi.Output<string>;
  declare readonly length: pulumi.Output<number>;
  constructor(name: string, greeting: string) {
    super(echoProvider, name, { greeting, length: undefined }, {});
  }
}

test("engine smoke: up, preview --expect-no-changes, refresh, destroy with the real CLI", async () => {
  const engine = await createEngineStack({
    projectName: "smoke",
    program: async () => {
      const echo = new Echo("hello", "hi there");
      return { greeting: echo.greeting, length: echo.length };
    },
  });
  try {
    const up = await engine.up();
    assert.equal(up.summary.result, "succeeded");
    assert.equal(up.outputs.greeting?.value, "hi there");
    assert.equal(up.outputs.length?.value, 8);

    await engine.preview({ expectNoChanges: true });

    const refresh = await engine.refresh();
    assert.equal(refresh.summary.result, "succeeded");
    const state = JSON.parse(await engine.exportText()) as {
      deployment: { resources?: { type: string; outputs?: Record<string, unknown> }[] };
    };
    const echo = state.deployment.resources?.find((r) => r.type === "pulumi-nodejs:dynamic:Resource");
    assert.ok(echo, "the dynamic resource is in the exported state");
    assert.equal(echo.outputs?.length, 108, "refresh stored what read returned");
    assert.equal(typeof echo.outputs?.__provider, "string");

    const destroy = await engine.destroy();
    assert.equal(destroy.summary.result, "succeeded");
    const after = JSON.parse(await engine.exportText()) as { deployment: { resources?: unknown[] } };
    assert.equal(after.deployment.resources?.length ?? 0, 0);
  } finally {
    await engine.dispose();
  }
});
