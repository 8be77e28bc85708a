/** The rotation calendar: the planner run forward — tables, and a property tying publications to activations. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { describeKeyEvent, rotationCalendar, type CalendarEntry } from "../../provider/plan/calendar";
import { DEFAULT_POLICY, type KeyPolicy, type KeyState } from "../../provider/plan/keys";

const DAY = 86_400_000;
const T0 = Date.parse("2027-01-01T00:00:00.000Z");
const NAMING = { kidPrefix: "bff-sig" };
const at = (days: number) => new Date(T0 + days * DAY);
const iso = (days: number) => at(days).toISOString();
const ONE_KEY: KeyState = {
  managed: [{ kid: "bff-sig-20270101T000000Z", alg: "ES256", createdAt: iso(0) }],
  usedKids: ["bff-sig-20270101T000000Z"],
};

function policy(over: Partial<KeyPolicy> = {}): KeyPolicy {
  return { algorithm: "ES256", ...DEFAULT_POLICY, ...over };
}

const brief = (entries: CalendarEntry[]) =>
  entries.map(
    (e) =>
      `${e.at.slice(0, 10)} ${e.kind} ${e.kid}${e.exists ? "" : "*"}${e.activatesAt ? ` → ${e.activatesAt.slice(0, 10)}` : ""}`,
  );

test("calendar with publishAheadDays 7: publish, activate on the due date, retire from creation", () => {
  const entries = rotationCalendar(ONE_KEY, policy({ publishAheadDays: 7 }), at(1), at(70), NAMING);
  assert.deepEqual(brief(entries), [
    "2027-01-24 publish bff-sig-20270124T000000Z* → 2027-01-31",
    "2027-01-31 activate bff-sig-20270124T000000Z*",
    "2027-02-23 publish bff-sig-20270223T000000Z* → 2027-03-02",
    "2027-03-02 activate bff-sig-20270223T000000Z*",
    "2027-03-02 retire bff-sig-20270101T000000Z",
  ]);
});

test("calendar with publishAheadDays 0 is today's rotation: publish and activate together", () => {
  const entries = rotationCalendar(ONE_KEY, policy(), at(1), at(70), NAMING);
  assert.deepEqual(brief(entries), [
    "2027-01-31 rotate bff-sig-20270131T000000Z*",
    "2027-03-02 rotate bff-sig-20270302T000000Z*",
    "2027-03-02 retire bff-sig-20270101T000000Z",
  ]);
});

test("calendar: overdue steps happen at the start instant; limit and horizon bound it; rotateAfterDays 0 lists only updates that happen anyway", () => {
  const overdue = rotationCalendar(ONE_KEY, policy({ publishAheadDays: 7 }), at(40), at(40), NAMING);
  assert.deepEqual(brief(overdue), ["2027-02-10 publish bff-sig-20270210T000000Z* → 2027-02-17"]);
  assert.equal(rotationCalendar(ONE_KEY, policy({ publishAheadDays: 7 }), at(1), at(3650), NAMING, 4).length, 4);
  assert.deepEqual(
    rotationCalendar(
      ONE_KEY,
      policy({ rotateAfterDays: 0, retireAfterDays: 0, maxKeys: 3 }),
      at(1),
      at(3650),
      NAMING,
    ).map((e) => e.kind),
    ["rotate"],
    "rotateAfterDays 0: the next update rotates; nothing is time-based after it",
  );
});

test("describeKeyEvent names the step and the key", () => {
  assert.equal(describeKeyEvent({ kind: "publish", kid: "a" }), "publication of the next key (key a is due to rotate)");
  assert.equal(describeKeyEvent({ kind: "activate", kid: "b" }), "activation of key b (published ahead)");
  assert.equal(describeKeyEvent({ kind: "rotate", kid: "c" }), "rotation of key c");
  assert.equal(describeKeyEvent({ kind: "retire", kid: "d" }), "retirement of key d");
});

test("property: in every calendar time moves forward, and each published key activates on its date, after publishAheadDays", () => {
  const arb = fc
    .record({
      rotateAfterDays: fc.integer({ min: 2, max: 60 }),
      ahead: fc.integer({ min: 1, max: 59 }),
      extra: fc.integer({ min: 1, max: 60 }),
      startDay: fc.integer({ min: 0, max: 120 }),
    })
    .filter((r) => r.ahead < r.rotateAfterDays);
  fc.assert(
    fc.property(arb, ({ rotateAfterDays, ahead, extra, startDay }) => {
      const p = policy({
        rotateAfterDays,
        publishAheadDays: ahead,
        retireAfterDays: rotateAfterDays + ahead + extra,
        maxKeys: 3,
      });
      const entries = rotationCalendar(ONE_KEY, p, at(startDay), at(startDay + 365), NAMING, 200);
      assert.ok(entries.length > 0);
      for (let i = 1; i < entries.length; i++)
        assert.ok((entries[i]?.at ?? "") >= (entries[i - 1]?.at ?? ""), "time moves forward");
      for (const pub of entries.filter((e) => e.kind === "publish")) {
        assert.ok(Date.parse(pub.activatesAt as string) - Date.parse(pub.at) >= ahead * DAY);
        const act = entries.find((e) => e.kind === "activate" && e.kid === pub.kid);
        const listedUntil =
          entries.length < 200 ? T0 + (startDay + 365) * DAY : Date.parse(entries[entries.length - 1]?.at as string);
        if (Date.parse(pub.activatesAt as string) < listedUntil)
          assert.equal(act?.at, pub.activatesAt, `${pub.kid} activates on its date`);
      }
      assert.equal(
        new Set(entries.filter((e) => e.kind === "publish").map((e) => e.kid)).size,
        entries.filter((e) => e.kind === "publish").length,
        "kids unique",
      );
    }),
    { numRuns: 200 },
  );
});
