/**
 * The one error class of pulumi-dcr, with a closed set of codes callers can `switch` on.
 * Lower-level failures (fetch, zod, jose) are converted into a DcrError in one place each
 * and kept as `cause`. Messages never contain token or key values.
 */
import type { ClientHandle } from "./protocol/types";
import { printable } from "./text";

/** Every code a {@link DcrError} can carry. */
export type DcrErrorCode =
  /** Bad or inconsistent configuration, found before any request is sent. */
  | "ERR_CONFIG"
  /** Creating a client needs an Initial Access Token and none was given. */
  | "ERR_IAT_MISSING"
  /** The IdP refused the Initial Access Token (401/403 on register). */
  | "ERR_IAT_INVALID"
  /** The IdP refused the Registration Access Token and it could not be renewed. */
  | "ERR_RAT_INVALID"
  /** The client no longer exists at the IdP (404/410, or the admin path says so). */
  | "ERR_CLIENT_GONE"
  /** The IdP answered with an RFC 7591 error (invalid_redirect_uri, invalid_client_metadata, …). */
  | "ERR_IDP_REJECTED"
  /** The IdP does not support the operation (405, no registration endpoint, …). */
  | "ERR_IDP_UNSUPPORTED"
  /** The IdP could not be reached or kept failing (network, timeout, 429, 5xx after retries). */
  | "ERR_IDP_UNAVAILABLE"
  /** The IdP answered something malformed or hostile (bad JSON, wrong client_id, foreign URI, private key members). */
  | "ERR_IDP_RESPONSE"
  /** The outcome of a non-idempotent request is unknown: it may have been applied at the IdP. */
  | "ERR_OUTCOME_UNKNOWN"
  /** Generating, importing or exporting key material failed. */
  | "ERR_KEY";

/** Options for {@link DcrError}. */
export interface DcrErrorOptions {
  /** The lower-level error this one wraps. */
  cause?: unknown;
  /** HTTP status of the IdP answer, when there was one. */
  status?: number;
  /** The RFC 6749/7591 `error` code the IdP returned, when there was one (kept {@link printable}). */
  idpError?: string;
  /**
   * The handle of a client the IdP registered although its answer could not be used in full
   * (e.g. nested too deep): whoever catches the error keeps this client in state instead of
   * orphaning it. Held as a NON-ENUMERABLE property, so it is never serialized with the error.
   */
  handle?: ClientHandle;
}

/**
 * An error raised by pulumi-dcr. `code` says what went wrong; the message says what to do. The
 * message starts with the code in brackets (`[ERR_RAT_INVALID] …`): Pulumi shows an operator
 * only the message of an error a dynamic provider throws, so the code has to travel in it.
 */
export class DcrError extends Error {
  readonly code: DcrErrorCode;
  readonly status?: number;
  readonly idpError?: string;
  /**
   * Set (see {@link DcrErrorOptions.handle}) when the IdP registered a client this error is about
   * and its handle is known: keep it in state. Non-enumerable: JSON.stringify, util.inspect and
   * the engine's error serialization never see it (it holds the registration access token).
   */
  declare readonly handle?: ClientHandle;

  constructor(code: DcrErrorCode, message: string, options: DcrErrorOptions = {}) {
    // One line, whatever the message quotes: the engine prints it as is, so a value an IdP chose
    // (a client_id, an error text) must not be able to start a forged line.
    const text = `[${code}] ${printable(message)}`;
    super(text, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.idpError !== undefined) this.idpError = printable(options.idpError);
    if (options.handle !== undefined)
      Object.defineProperty(this, "handle", { value: options.handle, enumerable: false, writable: false });
  }

  /** The message without its leading `[code]`, for composing it into another message. */
  get detail(): string {
    return this.message.startsWith(`[${this.code}] `) ? this.message.slice(this.code.length + 3) : this.message;
  }
}

/** The text of any thrown value, without a DcrError's leading `[code]`. */
export function detailOf(e: unknown): string {
  return e instanceof DcrError ? e.detail : e instanceof Error ? e.message : String(e);
}

/** True when `e` is a DcrError, optionally with one of the given codes. */
export function isDcrError(e: unknown, ...codes: DcrErrorCode[]): e is DcrError {
  return e instanceof DcrError && (codes.length === 0 || codes.includes(e.code));
}
