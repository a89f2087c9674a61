import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import type { AqConfig } from '../core/config.js';
import { dpopFor, retryOnNonce } from '../core/dpop.js';
import type { IdTokenClaims } from '../core/id-token.js';
import { checkTokenEndpointIdToken } from '../core/id-token.js';
import type { Discovered } from '../core/oauth.js';
import { clientFor, fromOauth } from '../core/oauth.js';
import type { SignedInRecord } from '../core/store.js';

/**
 * Whether a failed renewal means the OP will not renew (sign the user out) rather than that it
 * could not be asked (retry): its OAuth error answers to the request (RFC 6749 §5.2, invalid_grant
 * for a revoked, expired or already rotated refresh token) and a new ID token that fails a check.
 * Anything else (discovery out of reach, a malformed answer) is no verdict on the user.
 */
export function refused(err: unknown): boolean {
  return err instanceof AqError && (err.code === 'AQ_ID_TOKEN_INVALID' || (err.code === 'AQ_TOKEN_REQUEST_FAILED' && err.error !== undefined));
}

/**
 * Redeems `record`'s refresh token (RFC 6749 §6) and returns the renewed record: the new access
 * token, the rotated refresh token (or the old one when the OP keeps it), and a new ID token when
 * the OP sends one. Its signature is checked like the code exchange's; oauth4webapi checks its iss
 * and aud, the renewer that it names the same sub (OIDC Core §12.2).
 * Rejects with AQ_TOKEN_RENEWAL_FAILED when the OP could not be reached or answered 5xx, with
 * AQ_TOKEN_REQUEST_FAILED (`error` set) when it refused, AQ_ID_TOKEN_INVALID for a bad ID token.
 */
export async function refreshRecord(d: Discovered, config: AqConfig, record: SignedInRecord): Promise<SignedInRecord> {
  const { as, client, options } = clientFor(d, config);
  const what = `token renewal at ${as.token_endpoint}`;
  let response!: Response;
  let body: oauth.TokenEndpointResponse;
  try {
    const DPoP = await dpopFor(config, as);
    body = await retryOnNonce(DPoP, async () => {
      response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), record.refreshToken!, { ...options, DPoP });
      return oauth.processRefreshTokenResponse(as, client, response);
    });
  } catch (err) {
    const unreachable = err instanceof TypeError || err instanceof DOMException || (err as { status?: number }).status! >= 500 ||
      (err instanceof oauth.OperationProcessingError && err.code === oauth.RESPONSE_IS_NOT_CONFORM);
    if (unreachable) throw new AqError('AQ_TOKEN_RENEWAL_FAILED', `${what} failed: ${(err as Error).message}`, { cause: err });
    throw fromOauth(err, 'AQ_TOKEN_REQUEST_FAILED', what);
  }
  let { profile, idToken, expiresAt } = record;
  const claims = oauth.getValidatedIdTokenClaims(body) as IdTokenClaims | undefined;
  if (claims) {
    await checkTokenEndpointIdToken(d, config, response, body, claims);
    ({ id_token: idToken } = body as { id_token: string });
    profile = { ...profile, ...claims };
    expiresAt = claims.exp;
  }
  return {
    ...record,
    profile,
    idToken,
    expiresAt,
    accessToken: body.access_token,
    tokenType: body.token_type as SignedInRecord['tokenType'],
    accessExpiresAt: body.expires_in === undefined ? undefined : Math.floor(Date.now() / 1000) + body.expires_in,
    refreshToken: body.refresh_token ?? record.refreshToken,
  };
}
