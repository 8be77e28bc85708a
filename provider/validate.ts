/**
 * check(): validate and normalise inputs with zod, one issue → one `{property, reason}`.
 * Values from stack config arrive as strings and are parsed here. Schemas are built inside
 * functions: Pulumi serializes the provider object into state with everything it captures, and
 * a module-level zod schema (bound native functions) makes that serialization fail.
 */
import { z } from "zod";
import type { KeyAlgorithm } from "./key-algorithms";
import { DEFAULT_POLICY } from "./plan/keys";
import { keyAlgorithmProblem, policyNumberProblem, type PolicyNumber } from "./plan/policy";
import { publishAheadProblems } from "./plan/publish-ahead";
import { RESERVED_METADATA } from "./plan/metadata";
import { compact } from "./json";
import { urlProblem } from "./url-rules";
import type { DcrInputs } from "./types";

/** The engine's marker for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** True when `v` is, or contains, a value unknown during preview. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

const KID_CHARS = /^[A-Za-z0-9._:-]+$/;

function buildSchema(allowInsecureHttp: boolean) {
  const fromString = <T extends z.ZodType>(inner: T, parse: (s: string) => unknown) =>
    z.preprocess((v) => (typeof v === "string" ? parse(v.trim()) : v), inner);
  const json = (s: string): unknown => {
    try {
      return JSON.parse(s);
    } catch {
      return s;
    }
  };
  const bool = fromString(z.boolean({ error: "must be true or false" }), (s) =>
    s === "true" ? true : s === "false" ? false : s,
  );
  const int = (min: number, max: number, what: string) =>
    fromString(
      z
        .number({ error: `must be a whole number of ${what}` })
        .int({ error: `must be a whole number of ${what}` })
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
      (s) => (s === "" ? s : Number(s)),
    );
  // A policy number: parsed from a config string, then the planner's own rule (plan/policy.ts),
  // then the input limits (largest accepted value; the smallest, for the "disable" values).
  const policyNumber = (property: PolicyNumber, min: number, max: number) =>
    fromString(
      z
        .number({ error: policyNumberProblem(property, NaN) as string })
        .superRefine((n, ctx) => {
          const problem = policyNumberProblem(property, n);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .refine((n) => n >= min || policyNumberProblem(property, n) !== undefined, { error: `must be at least ${min}` })
        .refine((n) => n <= max, { error: `must be at most ${max}` }),
      (s) => (s === "" ? s : Number(s)),
    );
  const text = (max: number) =>
    z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(max, { error: `must be at most ${max} characters` })
      // eslint-disable-next-line no-control-regex
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: "must not contain control characters" });
  const url = (kind: "endpoint" | "redirect" | "metrics") =>
    z.string({ error: "must be a URL string" }).superRefine((s, ctx) => {
      const problem = urlProblem(s, kind, allowInsecureHttp);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
  const kidText = (max: number) =>
    text(max).refine((s) => KID_CHARS.test(s), { error: "may contain only letters, digits and . _ : -" });
  const list = (s: string): unknown => (s.startsWith("[") ? json(s) : s.split(/[\s,]+/).filter(Boolean));
  const adopt = fromString(
    z.preprocess(
      (v) => {
        if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
        const o = v as Record<string, unknown>; // the seed helper's creds JSON uses snake_case
        return {
          clientId: o.clientId ?? o.client_id,
          registrationAccessToken: o.registrationAccessToken ?? o.registration_access_token,
          registrationClientUri: o.registrationClientUri ?? o.registration_client_uri,
        };
      },
      z.object(
        {
          clientId: text(255),
          registrationAccessToken: text(4096),
          registrationClientUri: url("endpoint").optional(),
        },
        { error: "must be an object with clientId and registrationAccessToken" },
      ),
    ),
    json,
  );
  const metadata = fromString(
    z.record(z.string(), z.unknown(), { error: "must be an object of RFC 7591 metadata" }).superRefine((m, ctx) => {
      for (const k of RESERVED_METADATA) {
        if (k in m) {
          const hint =
            k === "jwks" || k === "jwks_uri"
              ? "keys are generated here; use jwksUri or signingKeyPem"
              : k === "redirect_uris"
                ? "use redirectUris"
                : k === "client_id"
                  ? "use clientId"
                  : "it is set by the IdP";
          ctx.addIssue({ code: "custom", path: [k], message: `must not be set in metadata (${hint})` });
        }
      }
    }),
    json,
  );
  return z
    .object({
      registrationEndpoint: url("endpoint").optional(),
      issuer: url("endpoint").optional(),
      initialAccessToken: text(8192).optional(),
      openRegistration: bool.optional(),
      updateMethod: fromString(z.enum(["PUT", "PATCH"], { error: 'must be "PUT" or "PATCH"' }), (s) =>
        s.toUpperCase(),
      ).optional(),
      clientId: text(255).optional(),
      clientName: text(1000).optional(),
      profile: text(255).optional(),
      metadata: metadata.optional(),
      redirectUris: fromString(
        z
          .array(url("redirect"), { error: "must be a list of URLs" })
          .max(100, { error: "must list at most 100 URIs" })
          .refine((a) => new Set(a).size === a.length, { error: "must not contain duplicates" }),
        list,
      ).optional(),
      redirectUpdateMode: fromString(
        z.enum(["auto", "replace", "merge", "none"], { error: 'must be "auto", "replace", "merge" or "none"' }),
        (s) => s.toLowerCase(),
      ).optional(),
      rotationSafe: bool.optional(),
      jwksUri: url("endpoint").optional(),
      keyAlgorithm: z
        .custom<KeyAlgorithm>((v) => keyAlgorithmProblem(v) === undefined, { error: keyAlgorithmProblem("") as string })
        .optional(),
      kid: kidText(128).optional(),
      kidPrefix: kidText(64).optional(),
      signingKeyPem: z
        .string({ error: "must be a PEM string" })
        .refine((s) => s.includes("-----BEGIN"), { error: "must be a PEM private key (-----BEGIN PRIVATE KEY-----)" })
        .optional(),
      rotateAfterDays: policyNumber("rotateAfterDays", 0, 3650).optional(),
      retireAfterDays: policyNumber("retireAfterDays", -1, 3650).optional(),
      maxKeys: policyNumber("maxKeys", -1, 100).optional(),
      publishAheadDays: policyNumber("publishAheadDays", 0, 3650).optional(),
      rotationTrigger: z
        .string({ error: "must be a string" })
        .max(256, { error: "must be at most 256 characters" })
        .optional(),
      adopt: adopt.optional(),
      adminToken: text(8192).optional(),
      ratRenewalPath: z
        .string({ error: "must be a string" })
        .refine((s) => s.startsWith("/") || /^https?:\/\//.test(s), { error: "must be an absolute path or URL" })
        .refine((s) => s.includes("{client_id}"), { error: "must contain {client_id}" })
        .optional(),
      pushgatewayUrl: url("metrics").optional(),
      metricName: z
        .string({ error: "must be a string" })
        .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: "must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)" })
        .optional(),
      timeoutSeconds: int(1, 600, "seconds").optional(),
      allowInsecureHttp: bool.optional(),
    })
    .strict();
}

/**
 * The schema's members are exactly the inputs': a rule without an input, or an input without a
 * rule, does not compile (the parsed value is then the resolved `DcrInputs`).
 */
type SchemaKeys = keyof z.infer<ReturnType<typeof buildSchema>>;
type Unmatched = Exclude<keyof DcrInputs, SchemaKeys> | Exclude<SchemaKeys, keyof DcrInputs>;
const SCHEMA_COVERS_INPUTS: [Unmatched] extends [never] ? true : Unmatched = true;
void SCHEMA_COVERS_INPUTS;

/**
 * The schema, built on first use and then reused: building it (and zod's JIT-compiled parser for
 * each new schema instance) cost ~5 ms per check(), i.e. ~1 s of provider CPU per `up` of 200
 * resources (bench/, docs/performance.md). Lazy, never at module load (see the note at the top).
 */
const cachedSchemas = new Map<boolean, ReturnType<typeof buildSchema>>();

/** The schema for inputs with or without the plain-http opt-in (endpoint URL rules differ). */
function schemaFor(allowInsecureHttp: boolean): ReturnType<typeof buildSchema> {
  let schema = cachedSchemas.get(allowInsecureHttp);
  if (schema === undefined) {
    schema = buildSchema(allowInsecureHttp);
    cachedSchemas.set(allowInsecureHttp, schema);
  }
  return schema;
}

/** Relations between inputs that single-field rules cannot see. */
function crossChecks(v: DcrInputs, failures: CheckFailure[]): void {
  const add = (property: string, reason: string) => failures.push({ property, reason });
  if (v.registrationEndpoint === undefined && v.issuer === undefined) {
    add(
      "registrationEndpoint",
      "either registrationEndpoint or issuer is required (also settable as dcr:registrationEndpoint / dcr:issuer)",
    );
  }
  if (v.registrationEndpoint !== undefined && v.issuer !== undefined) {
    add("issuer", "set either registrationEndpoint or issuer, not both");
  }
  const retire = v.retireAfterDays;
  const rotate = v.rotateAfterDays ?? DEFAULT_POLICY.rotateAfterDays;
  if (v.maxKeys !== undefined && v.maxKeys <= 0 && retire !== undefined && retire <= 0) {
    add("maxKeys", "maxKeys <= 0 together with retireAfterDays <= 0 keeps every key forever; enable one of them");
  }
  if (v.maxKeys === 1)
    add("maxKeys", "must be at least 2 so the old and new keys overlap during rotation (or <= 0 to disable the cap)");
  const ahead = v.publishAheadDays ?? DEFAULT_POLICY.publishAheadDays;
  if (retire !== undefined && retire > 0 && rotate > 0 && retire <= rotate + ahead) {
    const plus = ahead > 0 ? ` + publishAheadDays (${ahead}) — a key's age when it stops signing —` : "";
    add("retireAfterDays", `must be greater than rotateAfterDays (${rotate})${plus} so the old and new keys overlap`);
  }
  for (const p of publishAheadProblems({
    rotateAfterDays: rotate,
    maxKeys: v.maxKeys ?? DEFAULT_POLICY.maxKeys,
    publishAheadDays: ahead,
  }))
    add(p.property, p.reason);
  if (v.adopt !== undefined && v.clientId !== undefined && v.adopt.clientId !== v.clientId) {
    add("adopt.clientId", `must equal clientId ("${v.clientId}") when both are set`);
  }
}

/**
 * Validate raw inputs. Fields that are unknown during preview are passed through unchecked.
 * Returns the normalised inputs (config strings parsed) and the failures.
 */
export function validateInputs(raw: Record<string, unknown>): { inputs: DcrInputs; failures: CheckFailure[] } {
  const known: Record<string, unknown> = {};
  const unknown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === "__provider" || v === undefined || v === null) continue;
    (containsUnknown(v) ? unknown : known)[k] = v;
  }
  const optIn = known.allowInsecureHttp === true || known.allowInsecureHttp === "true";
  const result = schemaFor(optIn).safeParse(known);
  const failures: CheckFailure[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) failures.push({ property: key, reason: "is not a DcrClient argument" });
        continue;
      }
      failures.push({ property: z.core.toDotPath(issue.path) || "(inputs)", reason: issue.message });
    }
    return { inputs: { ...known, ...unknown } as DcrInputs, failures };
  }
  const inputs = { ...compact(result.data), ...unknown } as DcrInputs;
  if (Object.keys(unknown).length === 0) crossChecks(inputs, failures);
  return { inputs, failures };
}
