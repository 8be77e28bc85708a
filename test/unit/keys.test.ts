/** The key planner: rotation, retirement, cap, kids, dueAt — table tests and properties. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  activeKey,
  DEFAULT_POLICY,
  dueAt,
  planKeys,
  type KeyPlan,
  type KeyPolicy,
  type KeyState,
  type ManagedKey,
} from "../../provider/plan/keys";
import { kidTime } from "../../provider/plan/kid";
import { KEY_ALGORITHMS, type KeyAlgorithm } from "../../provider/crypto";
import { isDcrError } from "../../provider/errors";

const DAY = 86_400_000;
const NOW = new Date("2026-11-28T10:15:00.000Z");
const NAMING = { kidPrefix: "bff-sig" };

/** A key created `daysAgo` days before NOW, named after its creation time. */
function key(daysAgo: number, alg: KeyAlgorithm = "RS256", kid?: string): ManagedKey {
  const at = new Date(NOW.getTime() - daysAgo * DAY);
  return { kid: kid ?? `k-${at.toISOString()}`, alg, createdAt: at.toISOString() };
}

function policy(over: Partial<KeyPolicy> = {}): KeyPolicy {
  return { algorithm: "RS256", ...DEFAULT_POLICY, ...over };
}

/** The state after the caller applies `plan` (as keyring does). */
function apply(state: KeyState, plan: KeyPlan, p: KeyPolicy): KeyState {
  const managed = plan.generate ? [{ ...plan.generate }, ...plan.keep] : [...plan.keep];
  const usedKids = [
    ...new Set([...(state.usedKids ?? []), ...state.managed.map((k) => k.kid), ...managed.map((k) => k.kid)]),
  ];
  const next: KeyState = { managed, usedKids };
  const trigger = p.rotationTrigger ?? state.appliedTrigger;
  if (trigger !== undefined) next.appliedTrigger = trigger;
  return next;
}

const kids = (keys: readonly ManagedKey[]) => keys.map((k) => k.kid);
const activeAfter = (plan: KeyPlan) => plan.generate?.kid ?? plan.keep[0]?.kid;

test("planKeys: generation table", () => {
  const cases: {
    name: string;
    state: KeyState;
    policy?: Partial<KeyPolicy>;
    naming?: { kidPrefix: string; kid?: string };
    gen: boolean;
    reason?: RegExp;
  }[] = [
    { name: "no managed key", state: { managed: [] }, gen: true, reason: /^no managed key yet$/ },
    { name: "fresh key", state: { managed: [key(10)] }, gen: false },
    {
      name: "just under 30 days",
      state: { managed: [{ ...key(30), createdAt: new Date(NOW.getTime() - 30 * DAY + 1).toISOString() }] },
      gen: false,
    },
    {
      name: "exactly 30 days",
      state: { managed: [key(30)] },
      gen: true,
      reason: /is 30 days old \(rotateAfterDays=30\)/,
    },
    { name: "31 days", state: { managed: [key(31)] }, gen: true, reason: /is 31 days old \(rotateAfterDays=30\)/ },
    { name: "rotateAfterDays=7", state: { managed: [key(8)] }, policy: { rotateAfterDays: 7 }, gen: true },
    {
      name: "immediate rotation with 0 (fresh key)",
      state: { managed: [key(0.001)] },
      policy: { rotateAfterDays: 0 },
      gen: true,
      reason: /rotateAfterDays=0/,
    },
    {
      name: "trigger set the first time",
      state: { managed: [key(1)] },
      policy: { rotationTrigger: "r1" },
      gen: true,
      reason: /rotationTrigger changed from unset to "r1"/,
    },
    {
      name: "trigger already applied",
      state: { managed: [key(1)], appliedTrigger: "r1" },
      policy: { rotationTrigger: "r1" },
      gen: false,
    },
    {
      name: "trigger changed",
      state: { managed: [key(1)], appliedTrigger: "r1" },
      policy: { rotationTrigger: "r2" },
      gen: true,
      reason: /from "r1" to "r2"/,
    },
    { name: "trigger removed: no rotation", state: { managed: [key(1)], appliedTrigger: "r1" }, gen: false },
    {
      name: "algorithm change",
      state: { managed: [key(1, "RS256")] },
      policy: { algorithm: "ES256" },
      gen: true,
      reason: /is RS256, keyAlgorithm is ES256/,
    },
    {
      name: "old non-active key of another alg: no rotation",
      state: { managed: [key(1, "ES256"), key(5, "RS256")] },
      policy: { algorithm: "ES256" },
      gen: false,
    },
    { name: "only the active key's age counts", state: { managed: [key(45), key(2)] }, gen: false },
  ];
  for (const c of cases) {
    const p = policy(c.policy);
    const plan = planKeys(c.state, p, NOW, c.naming ?? NAMING);
    assert.equal(plan.generate !== null, c.gen, `${c.name}: ${plan.reasons.join("; ")}`);
    if (c.reason)
      assert.ok(
        plan.reasons.some((r) => c.reason?.test(r)),
        `${c.name}: ${plan.reasons.join("; ")}`,
      );
    if (plan.generate) {
      assert.equal(plan.generate.alg, p.algorithm, c.name);
      assert.equal(plan.generate.createdAt, NOW.toISOString(), c.name);
    }
  }
});

test("planKeys: a seed-style reason reads as a sentence", () => {
  const k = key(31, "RS256", "bff-sig-20261028T101500Z");
  const plan = planKeys({ managed: [k] }, policy(), NOW, NAMING);
  assert.deepEqual(plan.reasons, ["key bff-sig-20261028T101500Z is 31 days old (rotateAfterDays=30)"]);
});

test("planKeys: kid naming — scheme, explicit first kid, collisions, seconds precision", () => {
  const first = planKeys({ managed: [] }, policy(), new Date("2026-11-28T10:15:00.789Z"), NAMING).generate;
  assert.ok(first);
  assert.deepEqual(first, { alg: "RS256", kid: "bff-sig-20261128T101500Z", createdAt: "2026-11-28T10:15:00.000Z" });
  assert.equal(kidTime(first.kid)?.toISOString(), first.createdAt, "kid time and createdAt agree");

  const explicit = planKeys({ managed: [] }, policy(), NOW, { kidPrefix: "bff-sig", kid: "bff-sig-001" });
  assert.equal(explicit.generate?.kid, "bff-sig-001", "explicit kid names the first key");

  const later = planKeys({ managed: [key(31, "RS256", "bff-sig-001")] }, policy(), NOW, {
    kidPrefix: "bff-sig",
    kid: "bff-sig-001",
  });
  assert.equal(later.generate?.kid, "bff-sig-20261128T101500Z", "explicit kid only for the first key");

  const reused = planKeys({ managed: [], usedKids: ["bff-sig-001"] }, policy(), NOW, {
    kidPrefix: "bff-sig",
    kid: "bff-sig-001",
  });
  assert.equal(reused.generate?.kid, "bff-sig-20261128T101500Z", "a used explicit kid is never reused");

  const collide = planKeys(
    { managed: [key(31, "RS256", "bff-sig-20261128T101500Z")], usedKids: ["bff-sig-20261128T101500Z-2"] },
    policy(),
    NOW,
    NAMING,
  );
  assert.equal(collide.generate?.kid, "bff-sig-20261128T101500Z-3", "collision suffix skips managed and used kids");
});

test("planKeys: a key from the future (clock behind) never outranks the new key", () => {
  const future = key(-2, "RS256", "from-the-future");
  const plan = planKeys({ managed: [future] }, policy({ rotationTrigger: "now" }), NOW, NAMING);
  assert.ok(plan.generate);
  assert.ok(Date.parse(plan.generate.createdAt) > Date.parse(future.createdAt));
  assert.equal(kidTime(plan.generate.kid)?.toISOString(), plan.generate.createdAt);

  const sameSecond = planKeys({ managed: [key(0, "RS256", "k")] }, policy({ rotateAfterDays: 0 }), NOW, NAMING);
  assert.equal(
    sameSecond.generate?.createdAt,
    "2026-11-28T10:15:01.000Z",
    "a second rotation within one second moves on a second",
  );
});

test("planKeys: retirement and cap table (seed: 60-day retirement, cap of 3)", () => {
  const cases: {
    name: string;
    managed: ManagedKey[];
    policy?: Partial<KeyPolicy>;
    keep: number[];
    retire: number[];
    gen: boolean;
  }[] = [
    // Indexes refer to `managed`.
    {
      name: "60-day retirement",
      managed: [key(10), key(59), key(60), key(90)],
      policy: { maxKeys: 0 },
      keep: [0, 1],
      retire: [2, 3],
      gen: false,
    },
    {
      name: "retirement disabled with 0",
      managed: [key(10), key(59), key(60), key(90)],
      policy: { retireAfterDays: 0, maxKeys: 0 },
      keep: [0, 1, 2, 3],
      retire: [],
      gen: false,
    },
    {
      name: "retirement disabled with -1",
      managed: [key(10), key(90)],
      policy: { retireAfterDays: -1 },
      keep: [0, 1],
      retire: [],
      gen: false,
    },
    {
      name: "3-key cap drops the oldest",
      managed: [key(5), key(20), key(10), key(15)],
      keep: [0, 2, 3],
      retire: [1],
      gen: false,
    },
    {
      name: "cap disabled with 0",
      managed: [key(1), key(2), key(3), key(4), key(5)],
      policy: { maxKeys: 0 },
      keep: [0, 1, 2, 3, 4],
      retire: [],
      gen: false,
    },
    {
      name: "cap disabled with -1",
      managed: [key(1), key(2), key(3), key(4)],
      policy: { maxKeys: -1 },
      keep: [0, 1, 2, 3],
      retire: [],
      gen: false,
    },
    {
      name: "rotation + cap: the new key counts",
      managed: [key(31), key(40), key(50)],
      keep: [0, 1],
      retire: [2],
      gen: true,
    },
    { name: "rotation + retirement", managed: [key(31), key(61)], keep: [0], retire: [1], gen: true },
    {
      name: "maxKeys=1 keeps only the new key",
      managed: [key(31), key(40)],
      policy: { maxKeys: 1 },
      keep: [],
      retire: [0, 1],
      gen: true,
    },
    {
      name: "maxKeys=1 keeps the active key",
      managed: [key(3), key(4)],
      policy: { maxKeys: 1 },
      keep: [0],
      retire: [1],
      gen: false,
    },
    {
      name: "the active key is never retired by age",
      managed: [key(100)],
      policy: { rotateAfterDays: 365 },
      keep: [0],
      retire: [],
      gen: false,
    },
    {
      name: "retirement before cap",
      managed: [key(1), key(70), key(2), key(3)],
      keep: [0, 2, 3],
      retire: [1],
      gen: false,
    },
  ];
  for (const c of cases) {
    const plan = planKeys({ managed: c.managed }, policy(c.policy), NOW, NAMING);
    const pick = (ix: number[]) => ix.map((i) => c.managed[i]?.kid);
    assert.equal(plan.generate !== null, c.gen, c.name);
    assert.deepEqual(kids(plan.keep), pick(c.keep), `${c.name}: keep`);
    assert.deepEqual([...kids(plan.retire)].sort(), pick(c.retire).sort(), `${c.name}: retire`);
    assert.equal(plan.reasons.length >= c.retire.length, true, `${c.name}: a reason per retired key`);
  }
});

test("planKeys: retirement and cap reasons name the key and the policy", () => {
  const plan = planKeys(
    {
      managed: [
        key(1, "RS256", "a"),
        key(61, "RS256", "b"),
        key(2, "RS256", "c"),
        key(3, "RS256", "d"),
        key(4, "RS256", "e"),
      ],
    },
    policy(),
    NOW,
    NAMING,
  );
  assert.deepEqual(plan.reasons, [
    "key b is 61 days old (retireAfterDays=60)",
    "key e is beyond the newest 3 (maxKeys=3)",
  ]);
});

test("planKeys / dueAt: bad policy numbers fail with ERR_CONFIG naming the property", () => {
  const bad: [Partial<KeyPolicy>, string][] = [
    [{ rotateAfterDays: -1 }, "rotateAfterDays"],
    [{ rotateAfterDays: 1.5 }, "rotateAfterDays"],
    [{ rotateAfterDays: NaN }, "rotateAfterDays"],
    [{ rotateAfterDays: Infinity }, "rotateAfterDays"],
    [{ rotateAfterDays: "30" as unknown as number }, "rotateAfterDays"],
    [{ retireAfterDays: 0.5 }, "retireAfterDays"],
    [{ retireAfterDays: -Infinity }, "retireAfterDays"],
    [{ maxKeys: 2.5 }, "maxKeys"],
    [{ maxKeys: NaN }, "maxKeys"],
    [{ algorithm: "HS256" as KeyAlgorithm }, "keyAlgorithm"],
  ];
  for (const [over, property] of bad) {
    const is = (e: unknown) => isDcrError(e, "ERR_CONFIG") && e.message.includes(`"${property}"`);
    assert.throws(() => planKeys({ managed: [] }, policy(over), NOW, NAMING), is, JSON.stringify(over));
    assert.throws(() => dueAt({ managed: [key(1)] }, policy(over)), is, JSON.stringify(over));
  }
  assert.doesNotThrow(() => planKeys({ managed: [key(1)] }, policy({ retireAfterDays: -5, maxKeys: -3 }), NOW, NAMING));
  assert.throws(
    () => planKeys({ managed: [{ kid: "x", alg: "RS256", createdAt: "yesterday" }] }, policy(), NOW, NAMING),
    (e) => isDcrError(e, "ERR_KEY"),
  );
  assert.throws(
    () => planKeys({ managed: [] }, policy(), new Date(NaN), NAMING),
    (e) => isDcrError(e, "ERR_CONFIG"),
  );
});

test("planKeys does not mutate its inputs", () => {
  const state: KeyState = deepFreeze({
    managed: [key(31), key(70), key(1, "ES256")],
    usedKids: ["a"],
    appliedTrigger: "x",
  });
  const p = deepFreeze(policy({ rotationTrigger: "y" }));
  const before = JSON.stringify(state);
  planKeys(state, p, NOW, NAMING);
  assert.equal(JSON.stringify(state), before);
});

test("activeKey: newest by createdAt; equal times → greater kid; identical kids → later in list", () => {
  assert.equal(activeKey([]), undefined);
  assert.equal(activeKey([key(5, "RS256", "a"), key(1, "RS256", "b"), key(3, "RS256", "c")])?.kid, "b");
  const t = NOW.toISOString();
  assert.equal(
    activeKey([
      { kid: "x-2", alg: "RS256", createdAt: t },
      { kid: "x", alg: "RS256", createdAt: t },
    ])?.kid,
    "x-2",
  );
  assert.equal(
    activeKey([
      { kid: "x", alg: "RS256", createdAt: t },
      { kid: "x-2", alg: "RS256", createdAt: t },
    ])?.kid,
    "x-2",
  );
  assert.equal(
    activeKey([
      { kid: "x", alg: "RS256", createdAt: t },
      { kid: "x", alg: "ES256", createdAt: t },
    ])?.alg,
    "ES256",
  );
});

test("dueAt: table", () => {
  const at = (daysFromNow: number) => new Date(NOW.getTime() + daysFromNow * DAY).toISOString();
  const cases: { name: string; managed: ManagedKey[]; policy?: Partial<KeyPolicy>; want: string | undefined }[] = [
    { name: "no keys", managed: [], want: undefined },
    { name: "rotation of the active key", managed: [key(10)], want: at(20) },
    { name: "rotation already overdue", managed: [key(40)], want: at(-10) },
    { name: "a retirement comes first", managed: [key(10), key(55)], want: at(5) },
    {
      name: "rotateAfterDays=0 is not time-based",
      managed: [key(10)],
      policy: { rotateAfterDays: 0 },
      want: undefined,
    },
    {
      name: "rotateAfterDays=0, a retirement pending",
      managed: [key(10), key(50)],
      policy: { rotateAfterDays: 0 },
      want: at(10),
    },
    { name: "retirement disabled", managed: [key(10), key(55)], policy: { retireAfterDays: 0 }, want: at(20) },
    { name: "beyond what a Date can hold", managed: [key(1)], policy: { rotateAfterDays: 1e9 }, want: undefined },
  ];
  for (const c of cases) assert.equal(dueAt({ managed: c.managed }, policy(c.policy))?.toISOString(), c.want, c.name);
});

// ---------- properties ----------

const T_BASE = NOW.getTime();
const arbPolicy = (minRotate: number) =>
  fc.record(
    {
      algorithm: fc.constantFrom(...KEY_ALGORITHMS),
      rotateAfterDays: fc.integer({ min: minRotate, max: 90 }),
      retireAfterDays: fc.integer({ min: -3, max: 150 }),
      maxKeys: fc.integer({ min: -1, max: 6 }),
      rotationTrigger: fc.constantFrom("a", "b"),
    },
    { requiredKeys: ["algorithm", "rotateAfterDays", "retireAfterDays", "maxKeys"] },
  );
/** Creation times on a coarse grid too, so equal times (ties) happen. */
const arbTime = fc.oneof(
  fc.integer({ min: -300 * DAY, max: 30 * DAY }),
  fc.integer({ min: -12, max: 2 }).map((d) => d * 10 * DAY),
);
const arbKid = fc.oneof(
  fc.stringMatching(/^[a-z]{1,3}$/),
  fc
    .integer({ min: -300, max: 30 })
    .map((d) => `bff-sig-${new Date(T_BASE + d * DAY).toISOString().replace(/[-:]|\.\d+/g, "")}`),
);
const arbState: fc.Arbitrary<KeyState> = fc
  .record({
    managed: fc.uniqueArray(fc.record({ kid: arbKid, alg: fc.constantFrom(...KEY_ALGORITHMS), offset: arbTime }), {
      selector: (k) => k.kid,
      maxLength: 8,
    }),
    appliedTrigger: fc.option(fc.constantFrom("a", "b"), { nil: undefined }),
    usedKids: fc.array(arbKid, { maxLength: 4 }),
  })
  .map(({ managed, appliedTrigger, usedKids }) => {
    const s: KeyState = {
      managed: managed.map((k) => ({ kid: k.kid, alg: k.alg, createdAt: new Date(T_BASE + k.offset).toISOString() })),
      usedKids: [...usedKids, ...managed.map((k) => k.kid)],
    };
    if (appliedTrigger !== undefined) s.appliedTrigger = appliedTrigger;
    return s;
  });
const arbNow = fc.integer({ min: -200 * DAY, max: 200 * DAY }).map((ms) => new Date(T_BASE + ms));

test("property: the active key is kept, keep/retire partition the managed keys, kids are unique and new", () => {
  fc.assert(
    fc.property(arbState, arbPolicy(0), arbNow, (state, p, now) => {
      const plan = planKeys(state, p, now, NAMING);
      const before = activeKey(state.managed);
      if (!plan.generate) assert.equal(plan.keep[0]?.kid, before?.kid, "no generation: the active key stays active");
      if (before && !plan.generate) assert.ok(!kids(plan.retire).includes(before.kid));
      assert.deepEqual([...kids(plan.keep), ...kids(plan.retire)].sort(), kids(state.managed).sort(), "partition");
      const after = apply(state, plan, p);
      assert.equal(activeKey(after.managed)?.kid, activeAfter(plan), "after applying, active = generate ?? keep[0]");
      const all = kids(after.managed);
      assert.equal(new Set(all).size, all.length, "kids unique across keep + generate");
      if (plan.generate) {
        const taken = new Set([...(state.usedKids ?? []), ...kids(state.managed)]);
        assert.ok(!taken.has(plan.generate.kid), "a kid is never reused");
      }
    }),
    { numRuns: 500 },
  );
});

test("property: cap and retirement hold after applying the plan", () => {
  fc.assert(
    fc.property(arbState, arbPolicy(0), arbNow, (state, p, now) => {
      const plan = planKeys(state, p, now, NAMING);
      const after = apply(state, plan, p);
      if (p.maxKeys > 0) assert.ok(after.managed.length <= p.maxKeys, "at most maxKeys managed keys");
      const active = activeAfter(plan);
      if (p.retireAfterDays > 0) {
        for (const k of after.managed) {
          if (k.kid === active) continue;
          assert.ok(
            now.getTime() - Date.parse(k.createdAt) < p.retireAfterDays * DAY,
            `${k.kid} is past retireAfterDays`,
          );
        }
      }
    }),
    { numRuns: 500 },
  );
});

test("property: applying the plan and planning again at the same instant changes nothing", () => {
  fc.assert(
    fc.property(arbState, arbPolicy(1), arbNow, (state, p, now) => {
      const after = apply(state, planKeys(state, p, now, NAMING), p);
      const again = planKeys(after, p, now, NAMING);
      assert.equal(again.generate, null, again.reasons.join("; "));
      assert.deepEqual(again.retire, [], again.reasons.join("; "));
      assert.deepEqual(again.keep, after.managed);
    }),
    { numRuns: 500 },
  );
});

test("property: dueAt agrees with planKeys (nothing just before, something at it)", () => {
  fc.assert(
    fc.property(arbState, arbPolicy(1), arbNow, (state, p, now) => {
      const settled = apply(state, planKeys(state, p, now, NAMING), p);
      const due = dueAt(settled, p);
      assert.ok(due, "with rotateAfterDays > 0 and an active key, something is always due");
      const before = planKeys(settled, p, new Date(due.getTime() - 1), NAMING);
      assert.equal(before.generate, null, before.reasons.join("; "));
      assert.deepEqual(before.retire, [], before.reasons.join("; "));
      const at = planKeys(settled, p, due, NAMING);
      assert.ok(at.generate !== null || at.retire.length > 0, "at dueAt the plan acts");
      assert.ok(
        at.reasons.every((r) => /days old/.test(r) || /beyond the newest/.test(r)),
        at.reasons.join("; "),
      );
    }),
    { numRuns: 500 },
  );
});

test("property: with rotateAfterDays=0 dueAt only reports retirements, and every plan generates", () => {
  fc.assert(
    fc.property(arbState, arbPolicy(0), arbNow, (state, p0, now) => {
      const p = { ...p0, rotateAfterDays: 0 };
      assert.ok(planKeys(state, p, now, NAMING).generate !== null);
      const due = dueAt(state, p);
      if (p.retireAfterDays <= 0 || state.managed.length < 2) assert.equal(due, undefined);
    }),
  );
});

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
