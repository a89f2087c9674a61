/**
 * Responses with an ID token in the front channel: hybrid (`code id_token`, `code id_token token`)
 * and implicit (`id_token`, `id_token token`). Loaded only by clients configured for them.
 */
import * as oauth from 'oauth4webapi';
import { checkAtHash, checkIssuedAt, readVerified } from './id-token.js';
import type { Discovered, RelyingParty } from './oauth.js';
import { clientFor, fromOauth, withFreshKeys } from './oauth.js';
import type { ValidResponse } from './response.js';
import { checkMembers, checkOnce, responseRefused } from './response.js';
import type { Transaction } from './transaction.js';

/**
 * Hybrid: oauth4webapi checks the ID token (signature, iss, aud, azp, exp, nonce, auth_time with
 * max_age, c_hash) and hands back the parameters for the code exchange.
 */
function hybrid(d: Discovered, rp: RelyingParty, params: URLSearchParams, tx: Transaction): Promise<URLSearchParams> {
  return withFreshKeys(d, rp, ({ as, client, options }) => oauth.validateCodeIdTokenResponse(as, client, params, tx.nonce, tx.state, tx.maxAge, options));
}

/**
 * Implicit: oauth4webapi refuses these responses, but its checks of a token-endpoint ID token are
 * the ones OIDC Core §3.2.2.11 asks for here. So the ID token is handed to them in a token
 * response of its own making, and goes through the same two calls as the code flow's: claims
 * (iss, aud, azp, exp, nonce, auth_time with max_age), then the signature. The access token in
 * it only satisfies the shape; at_hash binds the real one.
 */
function implicit(d: Discovered, rp: RelyingParty, params: URLSearchParams, tx: Transaction): Promise<void> {
  const body = JSON.stringify({ id_token: params.get('id_token'), access_token: params.get('access_token') ?? '-', token_type: 'bearer' });
  return withFreshKeys(d, rp, async ({ as, client, options }) => {
    const response = new Response(body, { headers: { 'content-type': 'application/json' } });
    await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: tx.nonce, maxAge: tx.maxAge, requireIdToken: true });
    await oauth.validateApplicationLevelSignature(as, response, options);
  });
}

/**
 * Validates a response that carries an ID token; the code, if any, is ready for the exchange.
 * First the response itself, by oauth4webapi: state, the OP's error, and RFC 9207 "iss" when
 * present (an OP may leave it out when an ID token names the issuer: RFC 9207 §2.4), then the token.
 */
export async function validateFrontChannel(d: Discovered, rp: RelyingParty, params: URLSearchParams, tx: Transaction): Promise<ValidResponse> {
  checkOnce(params);
  const front = new URLSearchParams(params);
  front.delete('id_token');
  const { as, client } = clientFor(d, rp);
  try {
    oauth.validateAuthResponse({ ...as, authorization_response_iss_parameter_supported: false }, client, front, tx.state);
  } catch (err) {
    throw responseRefused(err);
  }
  checkMembers(params, tx.responseType);
  let callback: URLSearchParams | undefined;
  try {
    if (tx.responseType.includes('code')) callback = await hybrid(d, rp, params, tx);
    else await implicit(d, rp, params, tx);
  } catch (err) {
    throw fromOauth(err, 'AQ_ID_TOKEN_INVALID', 'ID token rejected');
  }
  const idToken = params.get('id_token')!;
  const { claims } = readVerified(idToken);
  checkIssuedAt(claims, rp);
  const accessToken = params.get('access_token') ?? undefined;
  if (accessToken) await checkAtHash(idToken, accessToken, true);
  return { callback, code: params.get('code') ?? undefined, idToken, claims, accessToken };
}
