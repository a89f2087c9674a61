import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import { retryOnNonce } from './dpop.js';
import type { IdTokenClaims } from './id-token.js';
import { checkTokenEndpointIdToken } from './id-token.js';
import type { Discovered, RelyingParty } from './oauth.js';
import { clientFor, fromOauth, withFreshKeys } from './oauth.js';
import type { Transaction } from './transaction.js';

export interface TokenResult {
  claims: IdTokenClaims;
  idToken: string;
  accessToken: string;
  /** `dpop` when the access token is bound to the DPoP key (RFC 9449 §5): it goes out with a proof. */
  tokenType: 'bearer' | 'dpop';
  /** Seconds the access token lives, when the OP says (`expires_in`). */
  expiresIn?: number;
  refreshToken?: string;
}

/**
 * Exchanges the code at the token endpoint as a public client with its PKCE verifier (RFC 6749
 * §4.1.3, RFC 7636 §4.5). oauth4webapi checks the answer and its ID token's claims (iss, aud, azp,
 * exp, nonce, auth_time with max_age); the signature, iat and at_hash are checked too
 * (`checkTokenEndpointIdToken`).
 * With a DPoP handle the request carries a proof (RFC 9449 §5); `requireDpop` refuses the Bearer
 * token an OP may issue anyway.
 */
export async function exchangeCode(d: Discovered, rp: RelyingParty, callback: URLSearchParams, tx: Transaction, dpop?: oauth.DPoPHandle, requireDpop = false): Promise<TokenResult> {
  const { as, client, options } = clientFor(d, rp);
  const what = `token request to ${as.token_endpoint}`;
  let response!: Response;
  let body: oauth.TokenEndpointResponse;
  try {
    body = await retryOnNonce(dpop, async () => {
      response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, tx.redirectUri, tx.codeVerifier, { ...options, DPoP: dpop });
      return oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: tx.nonce, maxAge: tx.maxAge, requireIdToken: true });
    });
  } catch (err) {
    throw fromOauth(err, 'AQ_TOKEN_REQUEST_FAILED', what);
  }
  // A DPoP token without our proofs would be unusable; a Bearer one is what an OP that ignores the
  // proof issues (RFC 9449 §5), fine unless the page required DPoP.
  const expected = dpop ? (requireDpop ? ['dpop'] : ['dpop', 'bearer']) : ['bearer'];
  if (!expected.includes(body.token_type)) {
    throw new AqError('AQ_TOKEN_REQUEST_FAILED', `${what}: the answer has "token_type" "${body.token_type}", expected ${expected.map((t) => (t === 'dpop' ? '"DPoP"' : '"Bearer"')).join(' or ')}`);
  }
  const claims = oauth.getValidatedIdTokenClaims(body) as IdTokenClaims;
  await checkTokenEndpointIdToken(d, rp, response, body, claims);
  return { claims, idToken: body.id_token!, accessToken: body.access_token, tokenType: body.token_type as TokenResult['tokenType'], expiresIn: body.expires_in, refreshToken: body.refresh_token };
}

/**
 * The userinfo claims (OIDC Core §5.3). oauth4webapi checks that their "sub" equals the ID
 * token's (§5.3.4): otherwise they are someone else's. A signed answer (§5.3.2) has its signature
 * checked too, which oauth4webapi leaves to `validateApplicationLevelSignature`. `dpop`: the
 * handle a DPoP-bound access token goes out with.
 */
export async function fetchUserinfo(d: Discovered, rp: RelyingParty, accessToken: string, sub: string, dpop?: oauth.DPoPHandle): Promise<Record<string, unknown>> {
  const { as, client, options } = clientFor(d, rp);
  try {
    let response!: Response;
    const claims = await retryOnNonce(dpop, async () => {
      response = await oauth.userInfoRequest(as, client, accessToken, { ...options, DPoP: dpop });
      return oauth.processUserInfoResponse(as, client, sub, response);
    });
    if (response.headers.get('content-type')?.split(';')[0] === 'application/jwt') await withFreshKeys(d, rp, (c) => oauth.validateApplicationLevelSignature(c.as, response, c.options));
    return claims;
  } catch (err) {
    throw new AqError('AQ_USERINFO_FAILED', `userinfo at ${as.userinfo_endpoint} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Revokes a refresh token (RFC 7009) where the OP has a revocation endpoint; best effort. */
export async function revoke(d: Discovered, rp: RelyingParty, refreshToken: string): Promise<void> {
  const { as, client, options } = clientFor(d, rp);
  if (!as.revocation_endpoint) return;
  const response = await oauth.revocationRequest(as, client, oauth.None(), refreshToken, { ...options, additionalParameters: { token_type_hint: 'refresh_token' } });
  await oauth.processRevocationResponse(response);
}
