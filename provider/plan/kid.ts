/**
 * The kid scheme: `${prefix}-${yyyymmdd}T${hhmmss}Z`, e.g. `bff-sig-20261128T101500Z`, with
 * `-2`, `-3` … appended when that kid is taken. The UTC creation time can be read back from
 * the kid, so keys found at an IdP can be aged. Pure.
 */
import { DcrError } from "../errors";

/** `…-YYYYMMDDTHHMMSSZ` at the end of a kid, optionally followed by a `-N` collision suffix. */
const KID_TIME = /(?:^|-)((\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z)(?:-\d+)?$/;

/**
 * A kid for a key created at `createdAt` (UTC, second precision) that is not in `taken`.
 * @throws DcrError ERR_CONFIG when `prefix` is empty or `createdAt` is invalid or outside years 0–9999.
 */
export function makeKid(prefix: string, createdAt: Date, taken: ReadonlySet<string>): string {
  if (typeof prefix !== "string" || prefix === "") {
    throw new DcrError("ERR_CONFIG", '"kidPrefix" must be a non-empty string');
  }
  const year = createdAt instanceof Date ? createdAt.getUTCFullYear() : NaN;
  if (!(year >= 0 && year <= 9999)) {
    throw new DcrError("ERR_CONFIG", "a key's creation time must be a valid date between years 0 and 9999");
  }
  const base = `${prefix}-${stamp(createdAt)}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const kid = `${base}-${n}`;
    if (!taken.has(kid)) return kid;
  }
}

/** The UTC creation time carried by a kid (also with a `-N` suffix); undefined when it has none. */
export function kidTime(kid: string): Date | undefined {
  const m = typeof kid === "string" ? KID_TIME.exec(kid) : null;
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(2, 8).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  // Reject overflowed fields (month 13, 25:00, Feb 30 …): the date must print back the same.
  return stamp(d) === m[1] ? d : undefined;
}

/** `YYYYMMDDTHHMMSSZ` for the UTC time of `d`. */
function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`
  );
}

/** How keys are named: a prefix, and optionally an explicit kid for the first key. */
export interface KidNaming {
  kidPrefix: string;
  /** Explicit kid for the first key this resource holds (seed BFF_KID). */
  kid?: string;
}

/**
 * The one kid rule, for generated and imported keys alike: the explicit kid names the first key
 * only — while no kid has been used yet (`taken` empty) — else `${prefix}-${stamp}` not in `taken`.
 * @throws DcrError ERR_CONFIG when the explicit kid is not a non-empty string, or as {@link makeKid}.
 */
export function kidFor(naming: KidNaming, createdAt: Date, taken: ReadonlySet<string>): string {
  if (naming.kid !== undefined && (typeof naming.kid !== "string" || naming.kid === "")) {
    throw new DcrError("ERR_CONFIG", '"kid" must be a non-empty string');
  }
  return naming.kid !== undefined && taken.size === 0 ? naming.kid : makeKid(naming.kidPrefix, createdAt, taken);
}
