/** Publishing the next key ahead of use: the planner's phases, immediate rotations, cap and policy rules — tables. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  activeKey,
  applyPlan,
  DEFAULT_POLICY,
  dueAt,
  dueEvents,
  planKeys,
  type KeyPolicy,
  type KeyState,
  type ManagedKey,
} from "../../provider/plan/keys";
import { publishAheadProblems } from "../../provider/plan/publish-ahead";
import { isDcrError } from "../../provider/errors";

const DAY = 86_400_000;
const T0 = Date.parse("2027-01-01T00:00:00.000Z");
const NAMING = { kidPrefix: "bff-sig" };
const at = (days: number) => new Date(T0 + days * DAY);
const iso = (days: number) => at(days).toISOString();

function policy(over: Partial<KeyPolicy> = {}): KeyPolicy {
  return { algorithm: "ES256", ...DEFAULT_POLICY, publishAheadDays: 7, ...over };
}

function key(kid: string, createdDay: number, over: Partial<ManagedKey> = {}): ManagedKey {
  return { kid, alg: "ES256", createdAt: iso(createdDay), ...over };
}

/** Plans at `day` and applies the plan. */
function step(state: KeyState, p: KeyPolicy, day: number) {
  const plan = planKeys(state, p, at(day), NAMING);
  return { plan, state: applyPlan(state, plan, p) };
}

test("phases: publish 7 days before the due date, activate on it, retire by age from creation", () => {
  const p = policy();
  const s0: KeyState = { managed: [key("k1", 0)], usedKids: ["k1"] };
  assert.equal(dueAt(s0, p)?.toISOString(), iso(23), "the publication date is the first step");
  assert.deepEqual(
    dueEvents(s0, p).map((e) => e.kind),
    ["publish"],
  );

  const before = planKeys(s0, p, new Date(T0 + 23 * DAY - 1), NAMING);
  assert.equal(before.generate, null, "nothing just before the publication date");

  const pub = step(s0, p, 23);
  assert.equal(pub.plan.activeKid, "k1", "the active key is unchanged by publication");
  assert.ok(pub.plan.generate);
  assert.equal(pub.plan.generate.createdAt, iso(23));
  assert.equal(pub.plan.generate.activatesAt, iso(30), "active on the due date");
  assert.deepEqual(pub.plan.reasons, [
    `key k1 is due to rotate at ${iso(30)} (rotateAfterDays=30)`,
    `key ${pub.plan.generate.kid} is published now and becomes the active key at ${iso(30)} (publishAheadDays=7)`,
  ]);
  const next = pub.plan.generate.kid;
  assert.equal(activeKey(pub.state.managed)?.kid, "k1", "a key waiting to become active is not the active key");
  assert.deepEqual(
    dueEvents(pub.state, p).map((e) => [e.kind, e.kid, e.at.toISOString()]),
    [["activate", next, iso(30)]],
  );

  const early = planKeys(pub.state, p, new Date(T0 + 30 * DAY - 1), NAMING);
  assert.equal(early.activeKid, "k1", "never active before its date");
  assert.deepEqual([early.generate, early.retire], [null, []]);

  const act = step(pub.state, p, 30);
  assert.equal(act.plan.activeKid, next);
  assert.equal(act.plan.generate, null, "activation generates nothing");
  assert.deepEqual(act.plan.retire, []);
  assert.deepEqual(
    act.plan.keep.map((k) => k.kid),
    [next, "k1"],
  );
  assert.equal(act.plan.keep[0]?.activatedAt, iso(30));
  assert.equal(act.plan.keep[0]?.activatesAt, undefined);
  assert.match(
    act.plan.reasons.join("\n"),
    new RegExp(`key ${next}, published ahead at ${iso(23)}, becomes the active key`),
  );
  // Next steps: the next publication counts from activation (30 + 30 - 7), k1 retires at 60 from its creation.
  assert.deepEqual(
    dueEvents(act.state, p).map((e) => [e.kind, e.kid, e.at.toISOString()]),
    [
      ["publish", next, iso(53)],
      ["retire", "k1", iso(60)],
    ],
  );
  const pub2 = step(act.state, p, 53);
  assert.equal(pub2.plan.generate?.activatesAt, iso(60));
  assert.deepEqual(
    pub2.state.managed.map((k) => k.kid),
    [pub2.plan.generate?.kid, next, "k1"],
    "three keys: next, active, previous",
  );
  const day60 = step(pub2.state, p, 60);
  assert.equal(day60.plan.activeKid, pub2.plan.generate?.kid);
  assert.deepEqual(
    day60.plan.retire.map((k) => k.kid),
    ["k1"],
  );
  assert.match(day60.plan.reasons.join("\n"), /key k1 is 60 days old \(retireAfterDays=60\)/);
});

test("a late run never shortens the publication window: the switch moves, the cadence counts from it", () => {
  const p = policy();
  const s0: KeyState = { managed: [key("k1", 0)], usedKids: ["k1"] };
  const late = step(s0, p, 28);
  assert.equal(late.plan.generate?.activatesAt, iso(35), "published on day 28 → active on day 35, not 30");
  const overdue = planKeys(s0, p, at(40), NAMING);
  assert.equal(overdue.generate?.activatesAt, iso(47), "overdue: still published 7 days before it signs");
  assert.equal(overdue.activeKid, "k1", "the old key keeps signing meanwhile");
  const act = step(late.state, p, 36);
  assert.equal(act.plan.keep[0]?.activatedAt, iso(36), "activated when the update ran");
  assert.equal(dueAt(act.state, p)?.toISOString(), iso(36 + 30 - 7));
});

test("immediate rotations publish and activate at once, dropping a key that waits", () => {
  const waiting: KeyState = {
    managed: [key("k2", 23, { activatesAt: iso(30) }), key("k1", 0)],
    usedKids: ["k1", "k2"],
    appliedTrigger: "a",
  };
  const cases: { name: string; over: Partial<KeyPolicy>; reason: RegExp }[] = [
    { name: "rotationTrigger", over: { rotationTrigger: "b" }, reason: /rotationTrigger changed from "a" to "b"/ },
    { name: "keyAlgorithm", over: { algorithm: "RS256" }, reason: /key k1 is ES256, keyAlgorithm is RS256/ },
    { name: "rotateAfterDays 0", over: { rotateAfterDays: 0 }, reason: /rotateAfterDays=0/ },
  ];
  for (const c of cases) {
    const plan = planKeys(waiting, policy(c.over), at(25), NAMING);
    assert.ok(plan.generate, c.name);
    assert.equal(plan.generate.activatesAt, undefined, `${c.name}: active at once`);
    assert.equal(plan.activeKid, plan.generate.kid, c.name);
    assert.deepEqual(
      plan.retire.map((k) => k.kid),
      ["k2"],
      `${c.name}: the waiting key never becomes active`,
    );
    assert.match(plan.reasons.join("\n"), c.reason, c.name);
    assert.match(
      plan.reasons.join("\n"),
      new RegExp(`key k2 was published ahead but is dropped: key ${plan.generate.kid} is active at once`),
      c.name,
    );
    assert.deepEqual(
      plan.keep.map((k) => k.kid),
      ["k1"],
      `${c.name}: the old key stays for the overlap`,
    );
  }
  const first = planKeys({ managed: [] }, policy(), at(0), NAMING);
  assert.equal(first.generate?.activatesAt, undefined, "the first key signs at once: nothing else can");
});

test("a key that waits but is older than the active key (an imported key overtook it) is dropped", () => {
  const s: KeyState = {
    managed: [key("own", 25), key("k2", 23, { activatesAt: iso(30) }), key("k1", 0)],
    usedKids: ["k1", "k2", "own"],
  };
  const plan = planKeys(s, policy(), at(25), NAMING);
  assert.equal(plan.activeKid, "own");
  assert.deepEqual(
    plan.retire.map((k) => k.kid),
    ["k2"],
  );
  assert.match(plan.reasons.join("\n"), /key k2 was published ahead but is dropped: key own became active after it/);
  assert.deepEqual(
    dueEvents(applyPlan(s, plan, policy()), policy()).map((e) => e.kind),
    ["publish", "retire"],
  );
});

test("the cap counts the next key; the active and the waiting key always stay", () => {
  const s: KeyState = { managed: [key("a", 0), key("b", -20), key("c", -40)], usedKids: ["a", "b", "c"] };
  const plan = planKeys(s, policy({ retireAfterDays: 0 }), at(23), NAMING);
  assert.ok(plan.generate?.activatesAt);
  assert.deepEqual(
    plan.keep.map((k) => k.kid),
    ["a", "b"],
  );
  assert.deepEqual(
    plan.retire.map((k) => k.kid),
    ["c"],
  );
  assert.match(plan.reasons.join("\n"), /key c is beyond the newest 3 \(maxKeys=3\)/);
  const waiting: KeyState = {
    managed: [key("n", 25, { activatesAt: iso(32) }), key("a", 0), key("b", -20), key("c", -40)],
  };
  const held = planKeys(waiting, policy({ retireAfterDays: 0 }), at(26), NAMING);
  assert.deepEqual(
    held.keep.map((k) => k.kid),
    ["n", "a", "b"],
  );
  assert.deepEqual(
    held.retire.map((k) => k.kid),
    ["c"],
  );
});

test("lowering publishAheadDays to 0 lets a waiting key activate on its date; a waiting key is never aged out", () => {
  const s: KeyState = { managed: [key("k2", 23, { activatesAt: iso(30) }), key("k1", 0)] };
  const p0 = policy({ publishAheadDays: 0, retireAfterDays: 31 });
  assert.equal(planKeys(s, p0, at(29), NAMING).generate, null, "no second new key while one waits");
  assert.equal(planKeys(s, p0, at(30), NAMING).activeKid, "k2");
  const old: KeyState = { managed: [key("k2", 0, { activatesAt: iso(100) }), key("k1", -5)] };
  assert.deepEqual(planKeys(old, policy({ retireAfterDays: 10 }), at(50), NAMING).retire, []);
});

test("policy rules: room for previous + active + next key, publication after activation; refused by the planner too", () => {
  assert.deepEqual(publishAheadProblems({ rotateAfterDays: 30, maxKeys: 3, publishAheadDays: 7 }), []);
  assert.deepEqual(publishAheadProblems({ rotateAfterDays: 30, maxKeys: 2, publishAheadDays: 0 }), [], "off: no rule");
  assert.deepEqual(
    publishAheadProblems({ rotateAfterDays: 0, maxKeys: 0, publishAheadDays: 7 }),
    [],
    "rotateAfterDays 0 is immediate anyway",
  );
  const cap = publishAheadProblems({ rotateAfterDays: 30, maxKeys: 2, publishAheadDays: 7 });
  assert.deepEqual(
    cap.map((f) => f.property),
    ["maxKeys"],
  );
  assert.match(cap[0]?.reason ?? "", /at least 3 .*publishAheadDays is 7/);
  assert.deepEqual(
    publishAheadProblems({ rotateAfterDays: 7, maxKeys: -1, publishAheadDays: 7 }).map((f) => f.property),
    ["publishAheadDays"],
  );
  const named = (property: string, other: string) => (e: unknown) =>
    isDcrError(e, "ERR_CONFIG") && e.message.includes(`"${property}"`) && e.message.includes(other);
  assert.throws(
    () => planKeys({ managed: [] }, policy({ maxKeys: 2 }), at(0), NAMING),
    named("maxKeys", "publishAheadDays"),
  );
  assert.throws(() => dueAt({ managed: [key("k1", 0)] }, policy({ maxKeys: 1 })), named("maxKeys", "publishAheadDays"));
  assert.throws(
    () => planKeys({ managed: [] }, policy({ rotateAfterDays: 7 }), at(0), NAMING),
    named("publishAheadDays", "rotateAfterDays"),
  );
  for (const bad of [-1, 1.5, NaN]) {
    assert.throws(
      () => planKeys({ managed: [] }, policy({ publishAheadDays: bad }), at(0), NAMING),
      named("publishAheadDays", "whole number"),
    );
  }
  assert.throws(
    () => dueAt({ managed: [key("k1", 0, { activatedAt: "soon" })] }, policy()),
    (e) => isDcrError(e, "ERR_KEY") && /activatedAt/.test(e.message),
  );
});
