/** The keyring's shape after a plan (plan/ring.ts) and the whole-second rule (plan/time.ts), table-tested. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { keptKids, planRing, publicHalves } from "../../provider/plan/ring";
import { wholeSecond, wholeSecondMs } from "../../provider/plan/time";
import type { KeyPlan } from "../../provider/plan/keys";
import type { PublicJwk } from "../../provider/crypto";

const T = (d: number) => new Date(Date.parse("2026-11-01T00:00:00Z") + d * 86_400_000).toISOString();
const key = (kid: string, d: number, activatesAt?: string) => ({
  kid,
  alg: "ES256" as const,
  createdAt: T(d),
  ...(activatesAt ? { activatesAt } : {}),
});
const pub = (kid: string, x: string): PublicJwk => ({
  kty: "EC",
  crv: "P-256",
  x,
  y: x,
  kid,
  alg: "ES256",
  use: "sig",
});

function plan(over: Partial<KeyPlan>): KeyPlan {
  return { keep: [], generate: null, retire: [], reasons: [], activeKid: "a", ...over };
}

test("publicHalves: later sources win; only kept kids", () => {
  const got = publicHalves(new Set(["a", "b"]), [
    [pub("a", "idp"), pub("b", "idp"), pub("gone", "idp")],
    [pub("a", "state")],
    [pub("b", "fresh")],
  ]);
  assert.deepEqual(
    [...got.entries()].map(([k, v]) => [k, v.x]),
    [
      ["a", "state"],
      ["b", "fresh"],
    ],
  );
});

test("planRing: a key whose public half is known nowhere is dropped and says so; the active key always stays", () => {
  const cases: { name: string; plan: KeyPlan; published: string[]; records: string[]; dropped: string[] }[] = [
    {
      name: "all known",
      plan: plan({ keep: [key("a", 2), key("b", 1)] }),
      published: ["a", "b"],
      records: ["a", "b"],
      dropped: [],
    },
    {
      name: "older key unknown",
      plan: plan({ keep: [key("a", 2), key("b", 1)] }),
      published: ["a"],
      records: ["a"],
      dropped: ["b"],
    },
    {
      name: "active key unknown stays",
      plan: plan({ keep: [key("a", 2), key("b", 1)] }),
      published: ["b"],
      records: ["a", "b"],
      dropped: [],
    },
    {
      name: "generated key first",
      plan: plan({ generate: key("g", 3), keep: [key("a", 2)], activeKid: "g" }),
      published: ["g", "a"],
      records: ["g", "a"],
      dropped: [],
    },
  ];
  for (const c of cases) {
    const ring = planRing(c.plan, new Set(c.published), new Set());
    assert.deepEqual(
      ring.records.map((k) => k.kid),
      c.records,
      c.name,
    );
    assert.deepEqual(
      ring.plan.retire.map((k) => k.kid),
      c.dropped,
      `${c.name}: retired`,
    );
    for (const kid of c.dropped)
      assert.ok(
        ring.plan.reasons.some((r) => r.includes(`key ${kid} is dropped: its public half is known nowhere`)),
        c.name,
      );
    assert.equal(ring.plan.reasons.length, c.dropped.length, `${c.name}: a reason per dropped key, nothing else`);
  }
  assert.throws(() => planRing(plan({ keep: [key("b", 1)] }), new Set(["b"]), new Set()), /kept no active key/);
});

test("planRing: the next key is the waiting key activating first whose private half is in hand", () => {
  const p = plan({ keep: [key("n2", 4, T(40)), key("n1", 3, T(35)), key("a", 2)] });
  const all = new Set(["n2", "n1", "a"]);
  assert.equal(planRing(p, all, new Set(["n1", "n2"])).nextKid, "n1");
  assert.equal(planRing(p, all, new Set(["n2"])).nextKid, "n2");
  assert.equal(planRing(p, all, new Set(["a"])).nextKid, undefined, "only waiting keys");
  assert.deepEqual([...keptKids(plan({ generate: key("g", 5), keep: [key("a", 2)] }))], ["g", "a"]);
});

test("wholeSecond: truncation towards the past, once", () => {
  assert.equal(wholeSecondMs(1999), 1000);
  assert.equal(wholeSecondMs(-1), -1000);
  assert.equal(wholeSecond(new Date("2026-11-01T10:15:00.999Z")).toISOString(), "2026-11-01T10:15:00.000Z");
});
