import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import type { Discovered } from './discovery.js';
import { httpOptions } from './discovery.js';
import type { Transaction } from './transaction.js';

export interface TokenResult {
  claims: oauth.IDToken;
  idToken: string;
  accessToken?: string;
}

function isIdTokenProblem(err: unknown): boolean {
  if (!(err instanceof oauth.OperationProcessingError) && !(err instanceof oauth.UnsupportedOperationError)) return false;
  // oauth4webapi reports claim checks as JWT_* codes, and names "ID Token"/"JWT" in the rest.
  return err.code === oauth.JWT_CLAIM_COMPARISON || err.code === oauth.JWT_TIMESTAMP_CHECK ||
    err.code === oauth.KEY_SELECTION || /ID Token|JWT|JWS|signature/i.test(err.message);
}

/**
 * Processes the token endpoint's answer to a code exchange. oauth4webapi checks the ID token's
 * iss, aud, azp, exp, iat, nonce (and auth_time with max_age); it does not check the signature of
 * ID tokens from the token endpoint (TLS stands in for it there), so we do it too, against the
 * prefetched JWKS: DESIGN.md requires a signature check on every ID token.
 */
export async function processTokenResponse(
  d: Discovered,
  client: oauth.Client,
  response: Response,
  tx: Transaction,
): Promise<TokenResult> {
  let result: oauth.TokenEndpointResponse;
  try {
    result = await oauth.processAuthorizationCodeResponse(d.as, client, response, {
      expectedNonce: tx.nonce,
      requireIdToken: true,
      maxAge: tx.maxAge ?? oauth.skipAuthTimeCheck,
    });
    // alg "none" and HMAC are refused here: only the OP's public keys can sign an ID token.
    await oauth.validateApplicationLevelSignature(d.as, response, { [oauth.jwksCache]: d.jwksCache, ...httpOptions(new URL(d.as.issuer)) });
  } catch (err) {
    throw tokenError(err);
  }
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  return { claims, idToken: result.id_token!, accessToken: result.access_token };
}

function tokenError(err: unknown): AqError {
  if (err instanceof oauth.ResponseBodyError) {
    return new AqError('AQ_TOKEN_REQUEST_FAILED', `token endpoint refused the code: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`, {
      cause: err,
      error: err.error,
      errorDescription: err.error_description,
    });
  }
  const why = err instanceof Error ? err.message : String(err);
  if (isIdTokenProblem(err)) return new AqError('AQ_ID_TOKEN_INVALID', `ID token rejected: ${why}`, { cause: err });
  return new AqError('AQ_TOKEN_REQUEST_FAILED', `token response rejected: ${why}`, { cause: err });
}
