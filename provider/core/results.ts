/** What core operations return: plain data the adapters turn into their engine's shapes. */
import type { DiffPlan } from "../plan/diff";
import type { DcrOutputs } from "../types";

/**
 * A create or update that reached the IdP. With `partial`, a later step failed after the client
 * (or a rotated RAT) came back: `outputs` must be kept as partial state and `failure` reported.
 */
export type WriteResult =
  | { id: string; outputs: DcrOutputs; partial?: false }
  | { id: string; outputs: Partial<DcrOutputs>; partial: true; failure: unknown };

/** A refresh: the client as the IdP holds it now, or gone (to be removed from state). */
export type ReadResult = { gone: true } | { gone: false; id: string; outputs: DcrOutputs };

/** A diff, without I/O. */
export interface DiffOutcome {
  changes: boolean;
  /** Properties whose change replaces the client. */
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Property paths that change, each with whether it replaces. */
  properties: { path: string; replace: boolean }[];
  /** Human "member: why" sentences. */
  reasons: string[];
  /** Time-based key steps due now: `publish`/`rotate` add a key to `jwks`, `retire` drops `kid`. */
  keyEvents: DiffPlan["keyEvents"];
}

/** A check: the normalised inputs and one failure per problem (empty = valid). */
export interface CheckOutcome<I> {
  inputs: I;
  failures: { property: string; reason: string }[];
}
