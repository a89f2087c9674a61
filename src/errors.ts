/**
 * Every failure aq-signin reports is an `AqError` with a stable `code`. Match on `code`, never on
 * `message`: messages name what was expected and what came, and their wording may improve.
 */
export type AqErrorCode =
  /** An attribute or option is missing or malformed; the message names it. */
  | 'AQ_CONFIG_INVALID'
  /** Discovery or JWKS could not be fetched, or the document's `issuer` differs from the configured one. */
  | 'AQ_DISCOVERY_FAILED'
  /** The OP answered the authorization request with `error=` (e.g. the user denied consent). */
  | 'AQ_AUTHORIZATION_ERROR'
  /** The element's second chunk, the relying party, could not be loaded (network, or a Content-Security-Policy). */
  | 'AQ_LOAD_FAILED'
  /** The browser refused to open the popup. */
  | 'AQ_POPUP_BLOCKED'
  /** The user closed the popup before the OP answered. */
  | 'AQ_POPUP_CLOSED'
  /** The response's `state` is missing, unknown, or was already used (a replayed callback URL). */
  | 'AQ_STATE_INVALID'
  /** The authorization response is malformed or fails a check (RFC 9207 `iss`, missing `code`). */
  | 'AQ_RESPONSE_INVALID'
  /** The token endpoint refused the code or could not be reached. */
  | 'AQ_TOKEN_REQUEST_FAILED'
  /** The ID token failed a check (signature, iss, aud, azp, exp, iat, nonce); the message names it. */
  | 'AQ_ID_TOKEN_INVALID'
  /** The userinfo endpoint failed, or its `sub` differs from the ID token's. */
  | 'AQ_USERINFO_FAILED'
  /** The OP's session iframe answered "error", did not answer, or did not load: monitoring stopped, the user stays signed in. */
  | 'AQ_SESSION_CHECK_UNAVAILABLE'
  /** `logout-events-url` could not be reached, refused this session (401), went silent, or cannot hear logouts (its bus is down): a remote sign-out may go unnoticed; the user stays signed in. */
  | 'AQ_LOGOUT_STREAM_UNAVAILABLE'
  /** `init-url` failed or answered something other than a JSON object of parameters. */
  | 'AQ_INIT_FAILED'
  /** `backend-url` answered non-2xx (`status` set) or could not be reached. */
  | 'AQ_BACKEND_FAILED'
  /**
   * A token renewal could not reach the OP (network, 5xx) or the silent renewal got no answer:
   * retried with back-off, the user stays signed in. A renewal the OP refuses is an `aq-logout`
   * with reason `renewal-refused` instead.
   */
  | 'AQ_TOKEN_RENEWAL_FAILED'
  /** `getAccessToken()` or `fetch()` was called while no user is signed in (or signed out meanwhile). */
  | 'AQ_NOT_SIGNED_IN'

  /** The pushed authorization request (PAR, RFC 9126) was refused by the OP (`error` set) or could not be sent. */
  | 'AQ_PAR_FAILED';

export interface AqErrorOptions {
  cause?: unknown;
  /** The OP's `error` parameter (AQ_AUTHORIZATION_ERROR, AQ_TOKEN_REQUEST_FAILED). */
  error?: string;
  /** The OP's `error_description` parameter. */
  errorDescription?: string;
  /** The HTTP status, for AQ_BACKEND_FAILED. */
  status?: number;
}

export class AqError extends Error {
  readonly code: AqErrorCode;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly status?: number;

  constructor(code: AqErrorCode, message: string, options: AqErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AqError';
    this.code = code;
    if (options.error !== undefined) this.error = options.error;
    if (options.errorDescription !== undefined) this.errorDescription = options.errorDescription;
    if (options.status !== undefined) this.status = options.status;
  }

  /** A JSON-safe copy, for logs and for `postMessage`. */
  toJSON(): { name: string; code: AqErrorCode; message: string; error?: string; errorDescription?: string; status?: number } {
    const { name, code, message, error, errorDescription, status } = this;
    return { name, code, message, error, errorDescription, status };
  }
}

/** Wraps anything thrown into an AqError, keeping AqErrors as they are. */
export function toAqError(err: unknown, code: AqErrorCode, message: string): AqError {
  if (err instanceof AqError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new AqError(code, `${message}: ${detail}`, { cause: err });
}
