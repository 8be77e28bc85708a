/** The key policy's one rule set (plan/policy.ts): the planner refuses and check() reports the same problems. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { policyProblems } from "../../provider/plan/policy";
import { DEFAULT_POLICY, planKeys, type KeyPolicy } from "../../provider/plan/keys";
import { validateInputs } from "../../provider/validate";
import { isDcrError } from "../../provider/errors";

const BASE = { registrationEndpoint: "https://idp.example.com/reg" };
const policy = (over: Record<string, unknown>) => ({ algorithm: "ES256", ...DEFAULT_POLICY, ...over });

test("policyProblems: algorithm, whole numbers in range, then publishing ahead", () => {
  const cases: { over: Record<string, unknown>; want: string[] }[] = [
    { over: {}, want: [] },
    { over: { algorithm: "HS256" }, want: ["keyAlgorithm"] },
    { over: { rotateAfterDays: -1 }, want: ["rotateAfterDays"] },
    { over: { rotateAfterDays: 1.5, maxKeys: NaN }, want: ["rotateAfterDays", "maxKeys"] },
    { over: { retireAfterDays: -5, maxKeys: -3 }, want: [] },
    { over: { publishAheadDays: "7" }, want: ["publishAheadDays"] },
    { over: { publishAheadDays: 7, maxKeys: 2 }, want: ["maxKeys"] },
    { over: { publishAheadDays: 30 }, want: ["publishAheadDays"] },
  ];
  for (const c of cases)
    assert.deepEqual(
      policyProblems(policy(c.over)).map((p) => p.property),
      c.want,
      JSON.stringify(c.over),
    );
});

test("one rule set: check() fails with the planner's own reason for each policy number", () => {
  const bad: [string, number][] = [
    ["rotateAfterDays", -5],
    ["rotateAfterDays", 1.5],
    ["retireAfterDays", 2.5],
    ["maxKeys", 2.5],
    ["publishAheadDays", -1],
  ];
  for (const [property, value] of bad) {
    const [problem] = policyProblems(policy({ [property]: value }));
    assert.equal(problem?.property, property);
    const reason = (problem?.reason ?? "").replace(/; got .*$/, "");
    const { failures } = validateInputs({ ...BASE, [property]: value });
    assert.deepEqual(failures, [{ property, reason }], `${property}=${value}: check`);
    assert.throws(
      () => planKeys({ managed: [] }, policy({ [property]: value }) as KeyPolicy, new Date(0), { kidPrefix: "k" }),
      (e: unknown) => isDcrError(e, "ERR_CONFIG") && e.message.includes(`"${property}" ${reason}`),
      `${property}=${value}: planner`,
    );
  }
  const { failures } = validateInputs({ ...BASE, keyAlgorithm: "HS256" });
  const [alg] = policyProblems(policy({ algorithm: "HS256" }));
  assert.deepEqual(failures, [{ property: "keyAlgorithm", reason: (alg?.reason ?? "").replace(/; got .*$/, "") }]);
});

test("input limits stay check()'s own: the largest values, and -1 as the smallest 'disabled'", () => {
  const cases: [string, number, RegExp][] = [
    ["retireAfterDays", 1e12, /at most 3650/],
    ["maxKeys", 101, /at most 100/],
    ["maxKeys", -2, /at least -1/],
  ];
  for (const [property, value, reason] of cases) {
    const { failures } = validateInputs({ ...BASE, [property]: value });
    assert.equal(failures.length, 1, `${property}=${value}: ${JSON.stringify(failures)}`);
    assert.equal(failures[0]?.property, property);
    assert.match(failures[0]?.reason ?? "", reason);
  }
});
