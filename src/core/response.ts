import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import type { IdTokenClaims } from './id-token.js';
import type { Discovered, RelyingParty } from './oauth.js';
import { clientFor, fromOauth } from './oauth.js';
import type { Transaction } from './transaction.js';

/** An authorization response that passed its checks, and what it carried. */
export interface ValidResponse {
  /** The parameters as oauth4webapi hands them to the code exchange; absent without a code. */
  callback?: URLSearchParams;
  code?: string;
  /** The front-channel ID token (implicit, hybrid), verified, and its claims. */
  idToken?: string;
  claims?: IdTokenClaims;
  accessToken?: string;
}

/**
 * oauth4webapi's refusals of the response, in the codes pages match on: a foreign state is not an
 * attack on this request but no answer to it (AQ_STATE_INVALID), the OP's own `error=` is
 * AQ_AUTHORIZATION_ERROR with its words, the rest (RFC 9207 "iss") AQ_RESPONSE_INVALID.
 */
export function responseRefused(err: unknown): AqError {
  if (err instanceof oauth.AuthorizationResponseError) return fromOauth(err, 'AQ_AUTHORIZATION_ERROR', 'sign-in refused');
  if (err instanceof Error && /"state"/.test(err.message)) {
    return new AqError('AQ_STATE_INVALID', 'authorization response refused: "state" does not match the request', { cause: err });
  }
  return fromOauth(err, 'AQ_RESPONSE_INVALID', 'authorization response refused');
}

/**
 * Checks that come before anything in a response is trusted. oauth4webapi refuses a repeated
 * parameter among those it reads; every other one is refused here too, so that no part of the
 * page (or a backend reading the same URL) sees another value than the one checked.
 */
export function checkOnce(params: URLSearchParams): void {
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) throw new AqError('AQ_RESPONSE_INVALID', `authorization response refused: "${name}" appears more than once`);
  }
}

/** What response_type promised must be there (OAuth 2.0 Multiple Response Types §3). */
export function checkMembers(params: URLSearchParams, responseType: string): void {
  const type = responseType.split(' ');
  for (const [member, name] of [['code', 'code'], ['id_token', 'id_token'], ['token', 'access_token']] as const) {
    if (type.includes(member) && !params.get(name)) {
      throw new AqError('AQ_RESPONSE_INVALID', `the response has no "${name}" although response_type is "${responseType}"`);
    }
  }
}

/**
 * The response to a request without an ID token in the front channel (`code`, `code token`):
 * oauth4webapi checks RFC 9207 "iss" (required when the OP advertises it: a mix-up attack swaps
 * OPs), the request's state, then the OP's error.
 */
export function validateCodeResponse(d: Discovered, rp: RelyingParty, params: URLSearchParams, tx: Transaction): ValidResponse {
  checkOnce(params);
  const { as, client } = clientFor(d, rp);
  if (tx.requireIss && !params.has('iss') && params.get('state') === tx.state) {
    throw new AqError(
      'AQ_RESPONSE_INVALID',
      `authorization response refused: "iss" is missing, and this page has clients of more than one OP at ${tx.redirectUri}: without it, one OP's answer could be taken for another's (mix-up, RFC 9207). Give each OP's client its own redirect-uri, or use OPs that send "iss".`,
    );
  }
  let callback: URLSearchParams;
  try {
    callback = oauth.validateAuthResponse(as, client, params, tx.state);
  } catch (err) {
    throw responseRefused(err);
  }
  checkMembers(params, tx.responseType);
  return { callback, code: params.get('code') ?? undefined, accessToken: params.get('access_token') ?? undefined };
}
