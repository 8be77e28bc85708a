/**
 * The bad-input corpus through the real engine: each case, as a DcrClient in a program run with
 * `pulumi up`, fails in check with the property named in the engine's output — and not one
 * request reaches the IdP. The engine stops at the first resource whose check fails, so each run
 * holds one bad resource; the cases are split over two stacks run side by side.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSeedIdp } from "../support/seed-idp";
import { createDcrStack } from "../support/dcr-stack";
import { BAD_INPUTS, type BadInput } from "../support/bad-inputs";
import { failure } from "../support/engine-ops";
import { leaks } from "../support/secrets";
import type { DcrClientArgs } from "../../provider/args";

test(`every case of the bad-input corpus (${BAD_INPUTS.length}) fails in check at engine level, naming the property; zero IdP requests`, async (t) => {
  const idp = await startSeedIdp();
  const config = { "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true } };
  const base = { registrationEndpoint: idp.registrationEndpoint, updateMethod: "PATCH" };
  const t0 = Date.now();
  const lanes = [BAD_INPUTS.filter((_, i) => i % 2 === 0), BAD_INPUTS.filter((_, i) => i % 2 === 1)];
  const problems: string[] = [];
  const outputs: string[] = [];
  const runLane = async (cases: BadInput[], lane: number): Promise<void> => {
    const stack = await createDcrStack({}, { config, projectName: `bad-inputs-${lane}` });
    try {
      for (const c of cases) {
        const name = `bad${BAD_INPUTS.indexOf(c)}`;
        stack.args = { [name]: { ...base, ...c.inputs } as unknown as DcrClientArgs };
        let out: string;
        try {
          out = await failure(stack.up());
        } catch {
          problems.push(`${c.name}: up succeeded`);
          continue;
        }
        outputs.push(out);
        // The engine prints: <type> resource '<name>': property <path> value {…} has a problem: <reason>
        // (The value may span lines: the engine prints it as given, e.g. "bff\nserver".)
        const said = new RegExp(
          `resource '${name}': property ${c.property.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} value [\\s\\S]*? has a problem: (.*)`,
        ).exec(out);
        if (!said)
          problems.push(
            `${c.name}: no check failure naming "${c.property}" in the engine output:\n${out.slice(-1500)}`,
          );
        else if (!c.reason.test(said[1] as string))
          problems.push(`${c.name}: reason does not match ${String(c.reason)}: ${said[0]}`);
      }
    } finally {
      await stack.dispose();
    }
  };
  try {
    await Promise.all(lanes.map((cases, i) => runLane(cases, i)));
    assert.deepEqual(problems, []);
    assert.equal(idp.requests.count(), 0, "not one request reached the IdP");
    // signingKeyPem is a secret input: even a malformed one is never printed.
    const secretInputs = BAD_INPUTS.map((c) => c.inputs.signingKeyPem).filter((v) => typeof v === "string");
    assert.deepEqual(
      leaks(outputs.join("\n"), [idp.initialAccessToken, ...secretInputs]),
      [],
      "no secret input appears in the engine's output",
    );
    t.diagnostic(`${BAD_INPUTS.length} bad-input cases through the engine: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await idp.close();
  }
});
