/**
 * Structural helpers for JSON values, shared by every layer. Pure, and iterative: a value nested
 * thousands of levels deep (an IdP can send one) never exhausts the call stack.
 */

/** Limits {@link jsonBoundsProblem} holds a parsed value to. */
export interface JsonBounds {
  /** Deepest nesting of objects and arrays (the top level is depth 1). */
  maxDepth: number;
  /** Most object members and array elements, counted over the whole value. */
  maxMembers: number;
}

/** The bounds an IdP's answer is held to: far beyond any client record, far below trouble. */
export const JSON_BOUNDS: Readonly<JsonBounds> = Object.freeze({ maxDepth: 64, maxMembers: 10_000 });

/** Structural equality for JSON values (object member order ignored, array order kept). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const pairs: [unknown, unknown][] = [[a, b]];
  for (let pair = pairs.pop(); pair !== undefined; pair = pairs.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (typeof x !== typeof y || x === null || y === null || typeof x !== "object") return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const yy = y as unknown[];
      if (x.length !== yy.length) return false;
      x.forEach((v, i) => pairs.push([v, yy[i]]));
      continue;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const xk = Object.keys(xo).filter((k) => xo[k] !== undefined);
    const yk = Object.keys(yo).filter((k) => yo[k] !== undefined);
    if (xk.length !== yk.length || !xk.every((k) => Object.hasOwn(yo, k))) return false;
    for (const k of xk) pairs.push([xo[k], yo[k]]);
  }
  return true;
}

/** Deeper than this, {@link compact} stops: only a cyclic value gets there. */
const COMPACT_MAX_DEPTH = 100_000;

/** A copy without undefined members at any depth (the engine's protobuf Structs reject them). */
export function compact<T>(value: T): T {
  const top = shell(value);
  const work: [object, object, number][] = top === value ? [] : [[value as object, top as object, 1]];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    const [from, into, depth] = item;
    if (depth > COMPACT_MAX_DEPTH) throw new RangeError(`compact: nested deeper than ${COMPACT_MAX_DEPTH} (cyclic?)`);
    const entries: [string | number, unknown][] = Array.isArray(from) ? [...from.entries()] : Object.entries(from);
    for (const [k, x] of entries) {
      if (x === undefined && !Array.isArray(from)) continue;
      const copy = shell(x);
      // defineProperty, not assignment: a member named "__proto__" stays a member.
      Object.defineProperty(into, k, { value: copy, enumerable: true, writable: true, configurable: true });
      if (copy !== x) work.push([x as object, copy as object, depth + 1]);
    }
  }
  return top as T;
}

/** An empty container of the same kind for an object or array; anything else as is. */
function shell(x: unknown): unknown {
  if (Array.isArray(x)) return new Array<unknown>(x.length);
  return x !== null && typeof x === "object" ? {} : x;
}

/**
 * What makes `value` (as JSON.parse returns it) exceed `bounds`, in words ("is nested deeper than
 * 64 levels"), or undefined when it fits. Walks iteratively and stops at the first excess.
 */
export function jsonBoundsProblem(value: unknown, bounds: JsonBounds = JSON_BOUNDS): string | undefined {
  const work: [unknown, number][] = [[value, 1]];
  let members = 0;
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== "object") continue;
    if (depth > bounds.maxDepth) return `is nested deeper than ${bounds.maxDepth} levels`;
    const children = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
    members += children.length;
    if (members > bounds.maxMembers) return `holds more than ${bounds.maxMembers} members and elements`;
    for (const child of children) work.push([child, depth + 1]);
  }
  return undefined;
}
