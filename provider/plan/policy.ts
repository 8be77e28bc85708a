/**
 * The key policy's rules, once: check() reports them as failures naming the property, and the key
 * planner refuses a policy that breaks them (it may be called without check(), e.g. by the
 * rotation calendar). Input limits (largest accepted values, config strings) stay in validate.ts;
 * relations that only advise (key overlap) stay there too. Pure.
 */
import { KEY_ALGORITHMS, isKeyAlgorithm } from "../key-algorithms";
import { publishAheadProblems, type PolicyProblem } from "./publish-ahead";

export type { PolicyProblem } from "./publish-ahead";

/** The whole-number policy properties, with their smallest meaningful value and what it means. */
export const POLICY_NUMBERS = {
  rotateAfterDays: { min: 0, unit: "days", meaning: "0 = a new key on every update" },
  retireAfterDays: { min: -Infinity, unit: "days", meaning: "<= 0 disables retirement" },
  maxKeys: { min: -Infinity, unit: "keys", meaning: "<= 0 disables the cap" },
  publishAheadDays: { min: 0, unit: "days", meaning: "0 = a new key is active at once" },
} as const;

/** A whole-number policy property. */
export type PolicyNumber = keyof typeof POLICY_NUMBERS;

/** Why `value` cannot be `property`; undefined when it can. */
export function policyNumberProblem(property: PolicyNumber, value: unknown): string | undefined {
  const rule = POLICY_NUMBERS[property];
  if (!Number.isSafeInteger(value)) return `must be a whole number of ${rule.unit} (${rule.meaning})`;
  if ((value as number) < rule.min)
    return `must be a whole number of ${rule.unit}, at least ${rule.min} (${rule.meaning})`;
  return undefined;
}

/** Why `value` cannot be `keyAlgorithm`; undefined when it can. */
export function keyAlgorithmProblem(value: unknown): string | undefined {
  return isKeyAlgorithm(value) ? undefined : `must be one of ${KEY_ALGORITHMS.join(", ")}`;
}

/** A resolved policy as the planner takes it (publishAheadDays resolved by the caller). */
export interface PolicyValues {
  algorithm: unknown;
  rotateAfterDays: unknown;
  retireAfterDays: unknown;
  maxKeys: unknown;
  publishAheadDays: unknown;
}

/**
 * Every problem of a resolved policy, naming the input property (`keyAlgorithm` for the
 * algorithm): algorithm, whole numbers in range, then what publishing ahead requires.
 */
export function policyProblems(policy: PolicyValues): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const alg = keyAlgorithmProblem(policy.algorithm);
  if (alg !== undefined) problems.push({ property: "keyAlgorithm", reason: `${alg}; got ${String(policy.algorithm)}` });
  for (const property of Object.keys(POLICY_NUMBERS) as PolicyNumber[]) {
    const reason = policyNumberProblem(property, policy[property]);
    if (reason !== undefined) problems.push({ property, reason: `${reason}; got ${String(policy[property])}` });
  }
  if (problems.length > 0) return problems;
  return publishAheadProblems(policy as { rotateAfterDays: number; maxKeys: number; publishAheadDays: number });
}
