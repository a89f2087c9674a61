/**
 * The stable `error` strings of the server helpers' JSON answers, and the `code` of the
 * `AqServerError`s their functions throw. Match on these, never on `error_description`.
 */
export type AqServerErrorCode =
  /** The request is malformed: method, content type, body fields, a redirect_uri not allowed, an `iss` mismatch. HTTP 400 (405 for a wrong method, 413 for a body over 64 KiB). */
  | 'invalid_request'
  /** The OP's discovery document or JWKS could not be fetched or is unusable. HTTP 502. */
  | 'discovery_failed'
  /** The token endpoint refused the code (its own `error` is in the description) or could not be reached. HTTP 502. */
  | 'token_request_failed'
  /** The ID token failed a check (signature, iss, aud, azp, exp, iat, nonce, c_hash, sub). HTTP 502. */
  | 'id_token_invalid'
  /** Userinfo failed, or its `sub` differs from the ID token's. HTTP 502. */
  | 'userinfo_failed'
  /** An access token failed a check (signature, alg, iss, aud, exp), is missing, or is DPoP-bound but came as Bearer (RFC 6750 §3.1). HTTP 401. */
  | 'invalid_token'
  /** A DPoP proof failed a check (typ, alg, key, signature, htm, htu, iat, ath, jti replay, key binding): RFC 9449 §7.1. HTTP 401. */
  | 'invalid_dpop_proof'
  /** The DPoP proof must carry the nonce sent in the answer's `DPoP-Nonce` header (RFC 9449 §8). HTTP 401. */
  | 'use_dpop_nonce'
  /** The application's hook threw. HTTP 500. */
  | 'server_error';

export interface AqServerErrorOptions {
  cause?: unknown;
  /** The HTTP status the handlers answer with. */
  status?: number;
}

const STATUS: Record<AqServerErrorCode, number> = {
  invalid_request: 400,
  discovery_failed: 502,
  token_request_failed: 502,
  id_token_invalid: 502,
  userinfo_failed: 502,
  invalid_token: 401,
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
  server_error: 500,
};

/** Every failure of `aq-signin/server`: a stable `code`, the HTTP `status`, the original error in `cause`. */
export class AqServerError extends Error {
  readonly code: AqServerErrorCode;
  readonly status: number;

  constructor(code: AqServerErrorCode, message: string, options: AqServerErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AqServerError';
    this.code = code;
    this.status = options.status ?? STATUS[code];
  }
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
