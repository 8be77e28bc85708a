/** The kid scheme: `${prefix}-YYYYMMDDTHHMMSSZ`, collision suffixes, and reading the time back. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { kidTime, makeKid } from "../../provider/plan/kid";
import { isDcrError } from "../../provider/errors";

const AT = new Date("2026-11-28T10:15:00.789Z");

test("makeKid: table", () => {
  const cases: { name: string; prefix: string; at: Date; taken: string[]; want: string }[] = [
    { name: "seed example", prefix: "bff-sig", at: AT, taken: [], want: "bff-sig-20261128T101500Z" },
    {
      name: "milliseconds are dropped",
      prefix: "k",
      at: new Date("2026-01-02T03:04:05.999Z"),
      taken: [],
      want: "k-20260102T030405Z",
    },
    {
      name: "collision → -2",
      prefix: "bff-sig",
      at: AT,
      taken: ["bff-sig-20261128T101500Z"],
      want: "bff-sig-20261128T101500Z-2",
    },
    {
      name: "collisions → -3",
      prefix: "bff-sig",
      at: AT,
      taken: ["bff-sig-20261128T101500Z", "bff-sig-20261128T101500Z-2"],
      want: "bff-sig-20261128T101500Z-3",
    },
    {
      name: "unrelated taken kids are ignored",
      prefix: "bff-sig",
      at: AT,
      taken: ["bff-sig-001"],
      want: "bff-sig-20261128T101500Z",
    },
    {
      name: "year 1 pads to 4 digits",
      prefix: "p",
      at: new Date("0001-02-03T04:05:06Z"),
      taken: [],
      want: "p-00010203T040506Z",
    },
  ];
  for (const c of cases) assert.equal(makeKid(c.prefix, c.at, new Set(c.taken)), c.want, c.name);
});

test("makeKid: an empty prefix or an invalid date fails with ERR_CONFIG", () => {
  assert.throws(
    () => makeKid("", AT, new Set()),
    (e) => isDcrError(e, "ERR_CONFIG") && /kidPrefix/.test(e.message),
  );
  assert.throws(
    () => makeKid("p", new Date(NaN), new Set()),
    (e) => isDcrError(e, "ERR_CONFIG"),
  );
  assert.throws(
    () => makeKid("p", new Date("+010000-01-01T00:00:00Z"), new Set()),
    (e) => isDcrError(e, "ERR_CONFIG"),
  );
});

test("kidTime: table", () => {
  const cases: { kid: string; want: string | undefined }[] = [
    { kid: "bff-sig-20261128T101500Z", want: "2026-11-28T10:15:00.000Z" },
    { kid: "bff-sig-20261128T101500Z-2", want: "2026-11-28T10:15:00.000Z" },
    { kid: "bff-sig-20261128T101500Z-17", want: "2026-11-28T10:15:00.000Z" },
    { kid: "20240229T235959Z", want: "2024-02-29T23:59:59.000Z" },
    { kid: "a-20200101T000000Z-20261128T101500Z", want: "2026-11-28T10:15:00.000Z" },
    { kid: "bff-sig-001", want: undefined },
    { kid: "", want: undefined },
    { kid: "bff-sig-20261128T101500", want: undefined },
    { kid: "bff-sig20261128T101500Z", want: undefined },
    { kid: "bff-sig-20261128T101500Z-x", want: undefined },
    { kid: "bff-sig-20261328T101500Z", want: undefined }, // month 13
    { kid: "bff-sig-20230229T101500Z", want: undefined }, // not a leap year
    { kid: "bff-sig-20261128T246000Z", want: undefined }, // 24:60
  ];
  for (const c of cases) assert.equal(kidTime(c.kid)?.toISOString(), c.want, c.kid);
});

test("property: kidTime(makeKid(p, d, taken)) is d to the second, and the kid is never taken", () => {
  const prefix = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
  const date = fc.date({
    min: new Date("0000-01-01T00:00:00Z"),
    max: new Date("9999-12-31T23:59:59.999Z"),
    noInvalidDate: true,
  });
  fc.assert(
    fc.property(prefix, date, fc.nat({ max: 4 }), (p, d, collisions) => {
      const taken = new Set<string>();
      for (let i = 0; i < collisions; i++) taken.add(makeKid(p, d, taken));
      const kid = makeKid(p, d, taken);
      assert.ok(!taken.has(kid));
      assert.ok(kid.startsWith(`${p}-`));
      assert.equal(kidTime(kid)?.getTime(), Math.floor(d.getTime() / 1000) * 1000);
    }),
  );
});
