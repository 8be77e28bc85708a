/** redirect_uris modes (auto / replace / merge / none, rotationSafe); a list is a set. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { effectiveMode, planRedirects, type RedirectUpdateMode } from "../../provider/plan/redirects";
import { isDcrError } from "../../provider/errors";

const A = "https://app.example.com/cb";
const B = "https://b.example.com/cb";
const C = "https://c.example.com/cb";

test("effectiveMode: default auto, rotationSafe forces merge, unknown modes fail", () => {
  const cases: [RedirectUpdateMode | undefined, boolean | undefined, RedirectUpdateMode][] = [
    [undefined, undefined, "auto"],
    [undefined, false, "auto"],
    ["replace", undefined, "replace"],
    ["none", false, "none"],
    ["merge", false, "merge"],
    [undefined, true, "merge"],
    ["replace", true, "merge"],
    ["none", true, "merge"],
    ["auto", true, "merge"],
  ];
  for (const [mode, safe, want] of cases) assert.equal(effectiveMode(mode, safe), want, `${mode}/${safe}`);
  assert.throws(
    () => effectiveMode("union" as RedirectUpdateMode, undefined),
    (e) =>
      isDcrError(e, "ERR_CONFIG") && /"redirectUpdateMode" must be one of auto, replace, merge, none/.test(e.message),
  );
});

test("planRedirects: table", () => {
  const cases: {
    name: string;
    existing: string[] | undefined;
    provided: string[] | undefined;
    mode: RedirectUpdateMode | undefined;
    safe?: boolean;
    next: string[] | undefined;
    changed: boolean;
  }[] = [
    { name: "auto: differs → set", existing: [A], provided: [B], mode: "auto", next: [B], changed: true },
    { name: "auto is the default", existing: [A], provided: [B], mode: undefined, next: [B], changed: true },
    {
      name: "auto: same → do not send",
      existing: [A, B],
      provided: [A, B],
      mode: "auto",
      next: undefined,
      changed: false,
    },
    {
      name: "auto: order does not matter (a set)",
      existing: [A, B],
      provided: [B, A],
      mode: "auto",
      next: undefined,
      changed: false,
    },
    { name: "auto: no existing (create)", existing: undefined, provided: [A], mode: "auto", next: [A], changed: true },
    {
      name: "auto: exact compare (trailing slash)",
      existing: [A],
      provided: [`${A}/`],
      mode: "auto",
      next: [`${A}/`],
      changed: true,
    },
    {
      name: "replace: exactly the provided list",
      existing: [A, B],
      provided: [C],
      mode: "replace",
      next: [C],
      changed: true,
    },
    {
      name: "replace: same list still sent, unchanged",
      existing: [A],
      provided: [A],
      mode: "replace",
      next: [A],
      changed: false,
    },
    { name: "replace: empty list", existing: [A], provided: [], mode: "replace", next: [], changed: true },
    {
      name: "merge: union, existing order first",
      existing: [B, A],
      provided: [C, A],
      mode: "merge",
      next: [B, A, C],
      changed: true,
    },
    { name: "merge: nothing new", existing: [A, B], provided: [B], mode: "merge", next: [A, B], changed: false },
    {
      name: "merge: duplicates in provided",
      existing: [A],
      provided: [C, C, B],
      mode: "merge",
      next: [A, C, B],
      changed: true,
    },
    {
      name: "merge: byte-wise (case differs)",
      existing: [A],
      provided: [A.toUpperCase()],
      mode: "merge",
      next: [A, A.toUpperCase()],
      changed: true,
    },
    { name: "merge: no existing", existing: undefined, provided: [A, B], mode: "merge", next: [A, B], changed: true },
    { name: "none: never touch", existing: [A], provided: [B], mode: "none", next: undefined, changed: false },
    {
      name: "rotationSafe → merge",
      existing: [A],
      provided: [B],
      mode: "replace",
      safe: true,
      next: [A, B],
      changed: true,
    },
    {
      name: "rotationSafe overrides none",
      existing: [A],
      provided: [B],
      mode: "none",
      safe: true,
      next: [A, B],
      changed: true,
    },
    {
      name: "no provided list: never touch (auto)",
      existing: [A],
      provided: undefined,
      mode: "auto",
      next: undefined,
      changed: false,
    },
    {
      name: "no provided list: never touch (replace)",
      existing: [A],
      provided: undefined,
      mode: "replace",
      next: undefined,
      changed: false,
    },
    {
      name: "no provided list: never touch (merge)",
      existing: [A],
      provided: undefined,
      mode: "merge",
      next: undefined,
      changed: false,
    },
  ];
  for (const c of cases) {
    assert.deepEqual(
      planRedirects(c.existing, c.provided, c.mode, c.safe),
      { next: c.next, changed: c.changed },
      c.name,
    );
  }
});

const arbUri = fc.constantFrom(
  A,
  B,
  C,
  "https://d.example.com/cb",
  "http://127.0.0.1:3000/cb",
  "com.example.app:/callback",
  `${A}/`,
);
const arbList = fc.array(arbUri, { maxLength: 6 });

test("property: merge ⊇ existing and ⊇ provided, existing order first, no duplicates, and no drift after it", () => {
  fc.assert(
    fc.property(fc.uniqueArray(arbUri, { maxLength: 6 }), arbList, fc.boolean(), (existing, provided, safe) => {
      const { next, changed } = planRedirects(existing, provided, safe ? "none" : "merge", safe);
      assert.ok(next);
      assert.equal(new Set(next).size, next.length, "no duplicates");
      for (const u of [...existing, ...provided]) assert.ok(next.includes(u), `contains ${u}`);
      assert.deepEqual(next.slice(0, existing.length), existing, "existing order first");
      assert.equal(next.length, new Set([...existing, ...provided]).size, "nothing else");
      assert.equal(changed, next.length !== existing.length);
      assert.equal(planRedirects(next, provided, "merge").changed, false, "nothing left to add after it");
    }),
  );
});

test("property: replace = provided; auto sends provided exactly when it differs as a set; nothing left to send after", () => {
  fc.assert(
    fc.property(arbList, arbList, (existing, provided) => {
      const replace = planRedirects(existing, provided, "replace");
      assert.deepEqual(replace.next, provided);
      const auto = planRedirects(existing, provided, "auto");
      assert.equal(auto.changed, replace.changed);
      assert.deepEqual(auto.next, auto.changed ? provided : undefined);
      assert.equal(
        replace.changed,
        !(new Set(existing).size === new Set(provided).size && existing.every((u) => provided.includes(u))),
      );
      assert.equal(planRedirects([...provided].reverse(), provided, "auto").changed, false, "order is not a change");
    }),
  );
});

test("property: none (and no provided list) leaves existing untouched, and inputs are never mutated", () => {
  const modes = fc.constantFrom<RedirectUpdateMode | undefined>("auto", "replace", "merge", "none", undefined);
  fc.assert(
    fc.property(arbList, fc.option(arbList, { nil: undefined }), modes, (existing, provided, mode) => {
      const copyE = [...existing];
      const copyP = provided && [...provided];
      const none = planRedirects(existing, provided, "none");
      assert.deepEqual(none, { next: undefined, changed: false });
      const plan = planRedirects(existing, provided, mode);
      if (provided === undefined) assert.deepEqual(plan, { next: undefined, changed: false });
      assert.deepEqual(existing, copyE);
      assert.deepEqual(provided, copyP);
      if (plan.next) assert.notEqual(plan.next, provided, "a fresh array, never the caller's");
    }),
  );
});
