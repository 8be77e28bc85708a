/**
 * Publishing ahead, as properties over whole lifetimes: a policy and a schedule of `pulumi up`
 * runs (random gaps, runs exactly at the due instants, the odd rotationTrigger change) are
 * generated, and the planner is run and applied at each instant, as the provider does.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  activeKey,
  applyPlan,
  dueAt,
  planKeys,
  type KeyPlan,
  type KeyPolicy,
  type KeyState,
} from "../../provider/plan/keys";
import { KEY_ALGORITHMS } from "../../provider/crypto";

const DAY = 86_400_000;
const T0 = Date.parse("2027-01-01T00:00:00.000Z");
const NAMING = { kidPrefix: "bff-sig" };

/** Policies that check() accepts with publishing ahead on. */
const arbPolicy: fc.Arbitrary<KeyPolicy> = fc
  .record({
    algorithm: fc.constantFrom(...KEY_ALGORITHMS),
    rotateAfterDays: fc.integer({ min: 2, max: 60 }),
    aheadShare: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    retireExtra: fc.oneof(fc.constant(-1), fc.constant(0), fc.integer({ min: 1, max: 90 })),
    maxKeys: fc.oneof(fc.constantFrom(-1, 0), fc.integer({ min: 3, max: 6 })),
  })
  .map(({ algorithm, rotateAfterDays, aheadShare, retireExtra, maxKeys }) => {
    const publishAheadDays = 1 + Math.floor(aheadShare * (rotateAfterDays - 1));
    const retireAfterDays = retireExtra <= 0 ? retireExtra : rotateAfterDays + publishAheadDays + retireExtra;
    return { algorithm, rotateAfterDays, publishAheadDays, retireAfterDays, maxKeys };
  });

/** One `pulumi up`: after a gap, or exactly when the planner's next step is due (or 1 ms before). */
type Run = { kind: "gap"; ms: number; trigger: boolean } | { kind: "due"; offsetMs: 0 | -1 };
const arbRun: fc.Arbitrary<Run> = fc.oneof(
  fc.record({
    kind: fc.constant("gap" as const),
    ms: fc.integer({ min: 0, max: 40 * DAY }),
    trigger: fc.integer({ min: 0, max: 11 }).map((n) => n === 0),
  }),
  fc.record({ kind: fc.constant("due" as const), offsetMs: fc.constantFrom(0 as const, -1 as const) }),
);
const arbRuns = fc.array(arbRun, { minLength: 1, maxLength: 40 });

interface Observed {
  plan: KeyPlan;
  before: KeyState;
  after: KeyState;
  t: number;
  policy: KeyPolicy;
  /** The step had a reason to rotate at once (first key, rotationTrigger changed). */
  immediate: boolean;
}

/** Runs a lifetime, calling `check` after every run. */
function lifetime(p0: KeyPolicy, runs: Run[], check: (o: Observed) => void): void {
  let t = T0;
  let trigger = 0;
  let policy: KeyPolicy = { ...p0, rotationTrigger: "0" };
  let state: KeyState = { managed: [], appliedTrigger: "0" };
  const all = [{ kind: "gap" as const, ms: 0, trigger: false }, ...runs];
  for (const run of all) {
    if (run.kind === "gap") {
      t += run.ms;
      if (run.trigger) policy = { ...policy, rotationTrigger: String(++trigger) };
    } else {
      const due = dueAt(state, policy);
      if (due === undefined) continue;
      t = Math.max(t, due.getTime() + run.offsetMs);
    }
    const plan = planKeys(state, policy, new Date(t), NAMING);
    const immediate = state.managed.length === 0 || policy.rotationTrigger !== state.appliedTrigger;
    const after = applyPlan(state, plan, policy);
    check({ plan, before: state, after, t, policy, immediate });
    state = after;
  }
}

test("property: at every instant the active key is published; at most one key waits; never more than maxKeys", () => {
  fc.assert(
    fc.property(arbPolicy, arbRuns, (p, runs) => {
      lifetime(p, runs, ({ plan, after }) => {
        const kids = after.managed.map((k) => k.kid);
        assert.ok(kids.includes(plan.activeKid), "the active key is among the published keys");
        assert.equal(activeKey(after.managed)?.kid, plan.activeKid, "the stored state names the same active key");
        assert.ok(after.managed.filter((k) => k.activatesAt !== undefined).length <= 1, "at most one key waits");
        if (p.maxKeys > 0)
          assert.ok(after.managed.length <= p.maxKeys, `${after.managed.length} keys > maxKeys ${p.maxKeys}`);
      });
    }),
    { numRuns: 300 },
  );
});

test("property: a key becomes active by time only after being published publishAheadDays, and only at or after its date", () => {
  const seen = { published: 0, activated: 0, late: 0 };
  fc.assert(
    fc.property(arbPolicy, arbRuns, (p, runs) => {
      lifetime(p, runs, ({ plan, before, after, t, immediate }) => {
        if (plan.generate?.activatesAt !== undefined) {
          seen.published++;
          const was = activeKey(before.managed);
          if (
            was &&
            Date.parse(plan.generate.activatesAt) >
              Date.parse(was.activatedAt ?? was.createdAt) + p.rotateAfterDays * DAY
          )
            seen.late++;
        }
        const ahead = (p.publishAheadDays as number) * DAY;
        for (const k of after.managed) {
          if (k.activatedAt !== undefined)
            assert.ok(Date.parse(k.activatedAt) - Date.parse(k.createdAt) >= ahead, `${k.kid} active too early`);
          if (k.activatesAt !== undefined)
            assert.ok(Date.parse(k.activatesAt) - Date.parse(k.createdAt) >= ahead, `${k.kid} scheduled too early`);
        }
        if (plan.generate && plan.generate.activatesAt === undefined)
          assert.ok(immediate, `a key active at once without an immediate reason: ${plan.reasons.join("; ")}`);
        const waiting = before.managed.find((k) => k.activatesAt !== undefined);
        if (waiting && !immediate) {
          const due = Date.parse(waiting.activatesAt as string) <= t;
          assert.equal(
            plan.activeKid === waiting.kid,
            due,
            `key ${waiting.kid} activates exactly when its date has come`,
          );
          if (due) seen.activated++;
        }
      });
    }),
    { numRuns: 300 },
  );
  // The lifetimes do reach every phase (else the assertions above would hold vacuously).
  assert.ok(seen.published > 100 && seen.activated > 100 && seen.late > 10, JSON.stringify(seen));
});

test("property: a key is active rotateAfterDays before a time-based switch (publishing ahead never shortens it)", () => {
  fc.assert(
    fc.property(arbPolicy, arbRuns, (p, runs) => {
      lifetime(p, runs, ({ plan, before, t, immediate }) => {
        const was = activeKey(before.managed);
        if (!was || immediate || plan.activeKid === was.kid) return;
        const since = Date.parse(was.activatedAt ?? was.createdAt);
        assert.ok(t - since >= p.rotateAfterDays * DAY, `${was.kid} active for only ${(t - since) / DAY} days`);
      });
    }),
    { numRuns: 300 },
  );
});

test("property: kids are never reused, and a run right after a run changes nothing", () => {
  fc.assert(
    fc.property(arbPolicy, arbRuns, (p, runs) => {
      const seen = new Set<string>();
      lifetime(p, runs, ({ plan, after, t, policy }) => {
        if (plan.generate) {
          assert.ok(!seen.has(plan.generate.kid), `kid ${plan.generate.kid} reused`);
          seen.add(plan.generate.kid);
        }
        const again = planKeys(after, policy, new Date(t), NAMING);
        assert.deepEqual(
          [again.generate, again.retire, again.activeKid],
          [null, [], plan.activeKid],
          again.reasons.join("; "),
        );
        const due = dueAt(after, policy);
        if (due) assert.ok(due.getTime() > t, "the next step is in the future");
      });
    }),
    { numRuns: 300 },
  );
});

test("property: dueAt is the next instant anything happens (publication, activation or retirement)", () => {
  fc.assert(
    fc.property(arbPolicy, arbRuns, (p, runs) => {
      lifetime(p, runs, ({ after, policy }) => {
        const due = dueAt(after, policy);
        assert.ok(due, "with rotateAfterDays > 0 a step is always ahead");
        const acts = (x: KeyPlan) =>
          x.generate !== null || x.retire.length > 0 || x.activeKid !== activeKey(after.managed)?.kid;
        const early = planKeys(after, policy, new Date(due.getTime() - 1), NAMING);
        assert.ok(!acts(early), `acted before dueAt: ${early.reasons.join("; ")}`);
        const onTime = planKeys(after, policy, due, NAMING);
        assert.ok(acts(onTime), "nothing happened at dueAt");
      });
    }),
    { numRuns: 300 },
  );
});

test("property: with publishAheadDays 0 no key ever waits (today's behaviour)", () => {
  fc.assert(
    fc.property(arbPolicy, arbRuns, (p, runs) => {
      lifetime({ ...p, publishAheadDays: 0 }, runs, ({ plan, after }) => {
        assert.equal(plan.generate?.activatesAt, undefined);
        assert.ok(after.managed.every((k) => k.activatesAt === undefined && k.activatedAt === undefined));
        assert.equal(plan.activeKid, plan.generate?.kid ?? plan.keep[0]?.kid, "the newest key signs");
      });
    }),
    { numRuns: 200 },
  );
});
