/** Which top-level properties leave the plugin as secrets. */
import { ARG_HANDLING } from "../args";
import { SECRET_OUTPUTS } from "../types";

/** Arguments that are secret by kind (`secret`, `secretInput`), however they arrived. */
const SECRET_KINDS: ReadonlySet<string> = new Set(
  Object.entries(ARG_HANDLING)
    .filter(([, handling]) => handling !== "plain")
    .map(([name]) => name),
);

/** Secret inputs: secret arguments by kind, plus whatever arrived secret (`alsoSecret`). */
export function inputSecrets(alsoSecret: Iterable<string>): Set<string> {
  return new Set([...SECRET_KINDS, ...alsoSecret]);
}

/** Secret outputs: SECRET_OUTPUTS, plus any output named like an input that was secret. */
export function outputSecrets(secretInputs: Iterable<string>): Set<string> {
  return new Set([...SECRET_OUTPUTS, ...SECRET_KINDS, ...secretInputs]);
}
