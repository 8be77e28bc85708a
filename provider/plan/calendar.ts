/**
 * The rotation calendar: the key planner run forward in time from a state, step by step, so
 * what it lists is exactly what `pulumi up` would do on each date (if run then). Pure: the
 * start instant is an argument and no key is generated; kids of keys that do not exist yet are
 * the ones the planner would choose.
 */
import { applyPlan, dueAt, planKeys, type KeyEvent, type KeyNaming, type KeyPolicy, type KeyState } from "./keys";

/** One step of the calendar. */
export interface CalendarEntry {
  /** ISO-8601 instant of the step (the start instant for steps already due). */
  at: string;
  /**
   * `publish`: `kid` is published ahead of use; `activate`: `kid` starts signing;
   * `rotate`: `kid` is published and signs at once; `retire`: `kid` is removed.
   */
  kind: KeyEvent["kind"];
  kid: string;
  /** False for a key the planner would generate then (it does not exist yet). */
  exists: boolean;
  /** For `publish`: when that key becomes active. */
  activatesAt?: string;
}

/** A sentence fragment for a due step, e.g. "activation of key bff-sig-20270101T000000Z". */
export function describeKeyEvent(e: Pick<KeyEvent, "kind" | "kid">): string {
  switch (e.kind) {
    case "publish":
      return `publication of the next key (key ${e.kid} is due to rotate)`;
    case "rotate":
      return `rotation of key ${e.kid}`;
    case "activate":
      return `activation of key ${e.kid} (published ahead)`;
    case "retire":
      return `retirement of key ${e.kid}`;
  }
}

/**
 * The steps the planner takes from `from` until `until` (inclusive), at most `limit` of them:
 * first what is due at `from` (overdue steps happen at the next update), then each time-based
 * step at its due instant. Immediate rotations (rotationTrigger, keyAlgorithm) show at `from`.
 * @throws DcrError as planKeys.
 */
export function rotationCalendar(
  state: KeyState,
  policy: KeyPolicy,
  from: Date,
  until: Date,
  naming: KeyNaming,
  limit = 50,
): CalendarEntry[] {
  const existing = new Set(state.managed.map((k) => k.kid));
  const entries: CalendarEntry[] = [];
  let s = state;
  let at: Date | undefined = from;
  while (at !== undefined && at.getTime() <= until.getTime() && entries.length < limit) {
    const plan = planKeys(s, policy, at, naming);
    const iso = at.toISOString();
    const waitingBefore = new Set(s.managed.filter((k) => k.activatesAt !== undefined).map((k) => k.kid));
    for (const k of plan.keep) {
      if (waitingBefore.has(k.kid) && k.activatesAt === undefined)
        entries.push({ at: iso, kind: "activate", kid: k.kid, exists: existing.has(k.kid) });
    }
    const g = plan.generate;
    if (g) {
      const entry: CalendarEntry = {
        at: iso,
        kind: g.activatesAt === undefined ? "rotate" : "publish",
        kid: g.kid,
        exists: false,
      };
      if (g.activatesAt !== undefined) entry.activatesAt = g.activatesAt;
      entries.push(entry);
    }
    for (const k of plan.retire) entries.push({ at: iso, kind: "retire", kid: k.kid, exists: existing.has(k.kid) });
    s = applyPlan(s, plan, policy);
    const next = dueAt(s, policy);
    // Each step moves time forward; a step due at or before this one was just taken.
    at = next !== undefined && next.getTime() > at.getTime() ? next : undefined;
  }
  return entries.slice(0, limit);
}
