/**
 * Hostile or broken registration answers, through the real engine against the seed-style fixture:
 * a 201 declared JSON whose body is not JSON but holds the RAT (never printed), a valid 201 with a
 * member nested 10,000 deep (refused cleanly, the client kept in state), and a client_id the IdP
 * chose with CR/LF and a forged log line in it (escaped wherever it is printed).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { logged } from "../support/engine-ops";
import { leaks } from "../support/secrets";
import { outcome, stateOf, withBentSeed } from "../support/bent-stack";

test("201 declared JSON whose body is not JSON: the run fails, and the RAT in that body is printed nowhere", async () => {
  await withBentSeed({ hostileRegistration: "not-json" }, {}, async ({ idp, stack }) => {
    const run = await logged((opts) => stack.stack.up(opts));
    assert.equal(run.ok, false, "up fails");
    assert.match(run.text, /\[(ERR_OUTCOME_UNKNOWN|ERR_IDP_RESPONSE)\] /, run.text);
    const [id] = idp.clientIds();
    assert.ok(id !== undefined, "the IdP registered the client");
    const rat = idp.currentRat(id) as string;
    assert.deepEqual(leaks(run.text, [rat, idp.initialAccessToken]), [], "no token in the output or engine log");
    assert.deepEqual(leaks(await stack.exportText(), [rat]), [], "nor in clear in state");
    assert.equal(idp.registrations.length, 1, "registered once, not retried");
  });
});

test("a valid 201 with a member nested 10,000 deep: ERR_IDP_RESPONSE, the client kept in state", async () => {
  await withBentSeed({ hostileRegistration: "deep" }, {}, async ({ idp, stack }) => {
    const run = await outcome(stack.up());
    assert.equal(run.ok, false, "up fails");
    assert.match(run.text, /\[ERR_IDP_RESPONSE\] /, run.text);
    assert.match(run.text, /kept in state/);
    assert.doesNotMatch(run.text, /Maximum call stack/);
    const [id] = idp.clientIds();
    assert.ok(id !== undefined);
    const kept = await stateOf(stack);
    assert.equal(kept?.outputs.clientId, id, "partial state holds the client");
    assert.equal(kept?.outputs.registrationAccessToken, idp.currentRat(id), "and its RAT");
    assert.equal(idp.registrations.length, 1, "registered once");

    // The kept state manages the client: destroy deletes it (reads and deletes are not bent).
    await stack.destroy();
    assert.deepEqual(idp.clientIds(), [], "deleted with the kept RAT");
  });
});

test("a client_id with CR/LF and a forged line: no output line starts with it, the id is shown escaped", async () => {
  let n = 0;
  const chooseClientId = () => `client-${++n}\r\nwarning: forged`;
  await withBentSeed({ chooseClientId }, {}, async ({ idp, stack }) => {
    const runs = [await outcome(stack.up())];
    const [id] = idp.clientIds();
    assert.equal(id, "client-1\r\nwarning: forged", "the IdP chose the hostile id");
    runs.push(await outcome(stack.refresh()), await outcome(stack.destroy()));
    const text = runs.map((r) => r.text).join("\n");
    for (const line of text.split(/\r\n|\r|\n/)) assert.doesNotMatch(line, /^\s*warning: forged/, line);
    assert.ok(text.includes("client-1\\r\\nwarning: forged"), `the id appears escaped:\n${text}`);
  });
});
