/**
 * What publishing the next key ahead of use requires of the rest of the key policy. One rule
 * set, used by check() (as failures naming the property) and by the key planner (which refuses
 * a policy that breaks it). Pure.
 */

/**
 * Keys a cap must leave room for while publishing ahead: the previous key (still published for
 * the overlap, for signers that have not switched yet), the active key, and the next key.
 */
export const KEYS_WHILE_PUBLISHING_AHEAD = 3;

/** A problem with the policy, naming the input to change. */
export interface PolicyProblem {
  property: string;
  reason: string;
}

/**
 * Problems of a resolved policy (defaults applied); [] when it fits or publishing ahead is off:
 * the next key must be published after the active key became active (`publishAheadDays` less
 * than `rotateAfterDays`), and the cap must hold previous, active and next key together.
 */
export function publishAheadProblems(policy: {
  rotateAfterDays: number;
  maxKeys: number;
  publishAheadDays: number;
}): PolicyProblem[] {
  const ahead = policy.publishAheadDays;
  if (!(ahead > 0)) return [];
  const problems: PolicyProblem[] = [];
  if (policy.rotateAfterDays > 0 && ahead >= policy.rotateAfterDays) {
    problems.push({
      property: "publishAheadDays",
      reason: `must be less than rotateAfterDays (${policy.rotateAfterDays}): the next key is published that many days before the active key's rotation is due`,
    });
  }
  if (policy.maxKeys > 0 && policy.maxKeys < KEYS_WHILE_PUBLISHING_AHEAD) {
    problems.push({
      property: "maxKeys",
      reason:
        `must be at least ${KEYS_WHILE_PUBLISHING_AHEAD} (or <= 0 for no cap) when publishAheadDays is ${ahead}: ` +
        "the previous key (still overlapping), the active key and the next key published ahead are held together",
    });
  }
  return problems;
}
