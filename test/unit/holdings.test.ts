/** The keyring's policy decisions (plan/holdings.ts), table-tested without keys or a server. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  addedKeyName,
  importsOwnKey,
  inheritedKeys,
  NEVER_DUE_DAYS,
  needsSignerOfOurs,
  planHoldings,
  type PlanHoldings,
} from "../../provider/plan/holdings";
import { DEFAULT_POLICY, type KeyPolicy } from "../../provider/plan/keys";

const T0 = "2026-11-01T00:00:00.000Z";
const at = (days: number) => new Date(Date.parse(T0) + days * 86_400_000);
const policy = (over: Partial<KeyPolicy> = {}): KeyPolicy => ({ algorithm: "ES256", ...DEFAULT_POLICY, ...over });
const held: PlanHoldings = { keys: [{ kid: "k1", alg: "ES256", createdAt: T0 }], usedKids: ["k1"] };
const own = { kid: "byo", alg: "ES256" as const, createdAt: at(5).toISOString() };
const naming = { kidPrefix: "dcr", kid: "first" };

test("planHoldings: a bring-your-own key imported in this run is this run's rotation", () => {
  const cases: { name: string; policy: KeyPolicy; own?: typeof own; generates: boolean; active: string }[] = [
    { name: "nothing due, no import", policy: policy(), generates: false, active: "k1" },
    { name: "due at 31 days without an import: generate", policy: policy(), generates: true, active: "(generated)" },
    { name: "an import makes the imported key active", policy: policy(), own, generates: false, active: "byo" },
    {
      name: "rotate now (0) does not supersede the import",
      policy: policy({ rotateAfterDays: 0 }),
      own,
      generates: false,
      active: "byo",
    },
    {
      name: "rotate now without an import generates",
      policy: policy({ rotateAfterDays: 0 }),
      generates: true,
      active: "(generated)",
    },
    {
      name: "a changed trigger counts as applied by the import",
      policy: policy({ rotationTrigger: "incident" }),
      own,
      generates: false,
      active: "byo",
    },
    {
      name: "a changed trigger without an import generates",
      policy: policy({ rotationTrigger: "incident" }),
      generates: true,
      active: "(generated)",
    },
  ];
  for (const c of cases) {
    const now = c.name.startsWith("due at 31") ? at(31) : at(5);
    const { plan, used } = planHoldings(held, c.policy, now, naming, c.own);
    assert.equal(plan.generate !== null, c.generates, c.name);
    assert.equal(
      c.generates ? plan.activeKid === plan.generate?.kid : plan.activeKid === c.active,
      true,
      `${c.name}: active ${plan.activeKid}`,
    );
    assert.ok(used.includes("k1") && (!c.own || used.includes("byo")), `${c.name}: used kids kept`);
  }
  assert.equal(NEVER_DUE_DAYS * 86_400_000 > 99 * 365 * 86_400_000, true);
});

test("planHoldings: an explicit kid names only the very first key", () => {
  assert.equal(planHoldings({ keys: [], usedKids: [] }, policy(), at(0), naming).plan.generate?.kid, "first");
  const later = planHoldings({ keys: [], usedKids: ["first"] }, policy(), at(0), naming).plan.generate?.kid;
  assert.match(later ?? "", /^dcr-\d{8}T\d{6}Z$/, "a resource that used kids before gets a generated kid");
});

test("needsSignerOfOurs: only when the key that would sign has no private half here", () => {
  const { plan } = planHoldings(
    {
      keys: [{ kid: "inherited-20261101T000000Z", alg: "ES256", createdAt: T0 }],
      usedKids: ["inherited-20261101T000000Z"],
    },
    policy(),
    at(1),
    naming,
  );
  assert.equal(needsSignerOfOurs(plan, new Set()), true, "an inherited key cannot sign");
  assert.equal(
    needsSignerOfOurs(plan, new Set(["inherited-20261101T000000Z"])),
    false,
    "a key whose private half is held can",
  );
  assert.equal(needsSignerOfOurs(plan, new Set(), "inherited-20261101T000000Z"), false, "an imported key can");
  const due = planHoldings(held, policy(), at(31), naming).plan;
  assert.equal(needsSignerOfOurs(due, new Set()), false, "a key generated in this run can");
});

test("inheritedKeys: keys found at the IdP whose kid carries a time are inherited, others stay foreign", () => {
  const jwk = (kid: string, alg?: string) => ({ kty: "EC", kid, ...(alg ? { alg } : {}), use: "sig" as const });
  const got = inheritedKeys(
    {
      keys: [
        jwk("bff-sig-20260101T000000Z", "RS256"),
        jwk("plain"),
        jwk("x-20261301T000000Z"),
        jwk("y-20260202T101500Z-2"),
      ],
    } as never,
    "ES256",
  );
  assert.deepEqual(got, [
    { kid: "bff-sig-20260101T000000Z", alg: "RS256", createdAt: "2026-01-01T00:00:00.000Z" },
    { kid: "y-20260202T101500Z-2", alg: "ES256", createdAt: "2026-02-02T10:15:00.000Z" },
  ]);
});

test("importsOwnKey: a bring-your-own key is imported only when its PEM is new to the resource", () => {
  const cases: [string | undefined, string | undefined, boolean][] = [
    [undefined, undefined, false],
    [undefined, "old", false],
    ["tp", undefined, true],
    ["tp", "other", true],
    ["tp", "tp", false],
  ];
  for (const [now, before, want] of cases) assert.equal(importsOwnKey(now, before), want, `${now} after ${before}`);
});

test("addedKeyName: the one kid rule for imported and signer keys — explicit kid only while no kid is used", () => {
  const when = new Date("2026-11-01T10:15:00.987Z");
  const cases: { name: string; taken: string[]; kid?: string; want: string }[] = [
    { name: "first key, explicit kid", taken: [], kid: "first", want: "first" },
    { name: "a kid already used: prefix + time", taken: ["k1"], kid: "first", want: "dcr-20261101T101500Z" },
    { name: "no explicit kid", taken: [], want: "dcr-20261101T101500Z" },
    { name: "collision suffix", taken: ["dcr-20261101T101500Z"], want: "dcr-20261101T101500Z-2" },
  ];
  for (const c of cases) {
    const named = addedKeyName(c.kid ? { kidPrefix: "dcr", kid: c.kid } : { kidPrefix: "dcr" }, when, c.taken);
    assert.equal(named.kid, c.want, c.name);
    assert.equal(named.createdAt.toISOString(), "2026-11-01T10:15:00.000Z", `${c.name}: whole second`);
  }
  // The planner names a generated key by the same rule.
  const first = planHoldings({ keys: [], usedKids: [] }, policy(), when, naming);
  assert.equal(first.plan.generate?.kid, "first");
  const later = planHoldings({ keys: [], usedKids: ["k0"] }, policy(), when, naming);
  assert.equal(later.plan.generate?.kid, "dcr-20261101T101500Z");
});
