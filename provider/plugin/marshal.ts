/**
 * Struct ↔ plain values for the plugin's gRPC messages. The engine marks a secret as an object
 * `{ [SECRET_SIG]: SECRET_VALUE_SIG, value }` and an unknown (a value computed later, in preview)
 * as the string UNKNOWN. Values decoded here have secrets revealed and the names of the top-level
 * properties that held one recorded, so replies can wrap the same names again.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The key whose presence marks a special value (Pulumi's "sig" key). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The sig of a secret value. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** An unknown value, in preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A decoded property map. */
export interface Decoded {
  /** The values, secrets revealed, unknowns left as {@link UNKNOWN}. */
  values: Record<string, unknown>;
  /** Top-level properties that held a secret anywhere inside. */
  secret: Set<string>;
  /** Top-level properties that hold an unknown anywhere inside. */
  unknown: Set<string>;
}

function isSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** What decoding found, and whether null object members are dropped. */
interface Walk {
  secret: boolean;
  unknown: boolean;
  dropNulls: boolean;
}

/** `v` with every secret wrapper removed; `found.secret` is set when one was. */
function reveal(v: unknown, found: Walk): unknown {
  if (v === UNKNOWN) found.unknown = true;
  if (isSecret(v)) {
    found.secret = true;
    return reveal(v.value, found);
  }
  if (Array.isArray(v)) return v.map((x) => reveal(x, found));
  if (typeof v === "object" && v !== null) {
    const members = Object.entries(v).filter(([, x]) => x !== null || !found.dropNulls);
    return Object.fromEntries(members.map(([k, x]) => [k, reveal(x, found)]));
  }
  return v;
}

/**
 * Decodes a request's Struct (absent = empty). With `dropNulls` (a program's inputs), a null
 * object member is an unset one, as SDKs may send them for absent arguments; stored outputs keep
 * theirs (an IdP's null is a value to compare).
 */
export function decode(s: Struct | undefined, opts: { dropNulls?: boolean } = {}): Decoded {
  const out: Decoded = { values: {}, secret: new Set(), unknown: new Set() };
  const dropNulls = opts.dropNulls === true;
  for (const [k, v] of Object.entries(s?.toJavaScript() ?? {})) {
    if (v === null && dropNulls) continue;
    const found = { secret: false, unknown: false, dropNulls };
    out.values[k] = reveal(v, found);
    if (found.secret) out.secret.add(k);
    if (found.unknown) out.unknown.add(k);
  }
  return out;
}

/** Encodes `values` (undefined members dropped), wrapping the top-level properties in `secret`. */
export function encode(values: object, secret: ReadonlySet<string> = new Set()): Struct {
  const plain = JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
  for (const k of Object.keys(plain)) {
    if (secret.has(k)) plain[k] = { [SIG_KEY]: SECRET_SIG, value: plain[k] };
  }
  return Struct.fromJavaScript(plain as Parameters<typeof Struct.fromJavaScript>[0]);
}
