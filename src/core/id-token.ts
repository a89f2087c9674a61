/**
 * What this project checks on ID tokens beyond oauth4webapi, which verifies the signature and the
 * claims it knows (iss, aud, azp, exp, nbf, nonce, auth_time, c_hash). Each check says why.
 * Everything here reads tokens oauth4webapi has already verified, or has it verify them.
 */
import * as oauth from 'oauth4webapi';
import type { Discovered, RelyingParty } from './oauth.js';
import { fromOauth, idTokenInvalid, withFreshKeys } from './oauth.js';

/** The validated claims of an ID token (OIDC Core §2); the rest of the claims come along. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  azp?: string;
  auth_time?: number;
  [claim: string]: unknown;
}

const part = (token: string, i: number) => JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(token.split('.')[i].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));

/** The header and claims of an ID token that oauth4webapi has verified (its API returns neither for hybrid). */
export function readVerified(token: string): { alg: string; claims: IdTokenClaims } {
  return { alg: part(token, 0).alg, claims: part(token, 1) };
}

/**
 * oauth4webapi checks that "iat" is a number, not when it was: a token issued in the future comes
 * from a skewed or forging OP (OIDC Core §3.1.3.7 item 10). Read on the same clock as
 * oauth4webapi's checks of exp, nbf and auth_time: the local one plus clockSkew, with clockTolerance.
 */
export function checkIssuedAt(claims: IdTokenClaims, { clockSkew, clockTolerance }: Pick<RelyingParty, 'clockSkew' | 'clockTolerance'>): void {
  if (claims.iat > Date.now() / 1000 + clockSkew + clockTolerance) throw idTokenInvalid(`"iat" is in the future (${new Date(claims.iat * 1000).toISOString()})`);
}

/**
 * at_hash (OIDC Core §3.3.2.11): the left half of the hash of the access token, with the hash of
 * the token's alg (SHA-512 for EdDSA with Ed25519). oauth4webapi checks c_hash but not at_hash:
 * required with a front-channel access token (§3.2.2.10, §3.3.2.11), checked when present from
 * the token endpoint (§3.1.3.8). It binds the access token to the ID token: no swapped token.
 */
export async function checkAtHash(token: string, accessToken: string, required: boolean): Promise<void> {
  const { alg, claims } = readVerified(token);
  if (claims.at_hash === undefined && !required) return;
  if (typeof claims.at_hash !== 'string') throw idTokenInvalid('"at_hash" is missing but the response carries an access token');
  const bits = alg.startsWith('Ed') ? '512' : alg.slice(2);
  const digest = new Uint8Array(await crypto.subtle.digest(`SHA-${bits}`, new TextEncoder().encode(accessToken)));
  const half = btoa(String.fromCharCode(...digest.slice(0, digest.length / 2))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (claims.at_hash !== half) throw idTokenInvalid('"at_hash" does not match the access token (a swapped token?)');
}

/**
 * An ID token from the token endpoint (the code exchange, a refresh), whose claims oauth4webapi's
 * response processing has checked: its signature too, which oauth4webapi leaves to
 * `validateApplicationLevelSignature` (TLS to the OP would do, OIDC Core §3.1.3.7 item 6, but a
 * browser's TLS is only as good as its roots, and the ID token is what a backend will trust), then
 * `iat` and `at_hash` as above.
 */
export async function checkTokenEndpointIdToken(d: Discovered, rp: RelyingParty, response: Response, body: oauth.TokenEndpointResponse, claims: IdTokenClaims): Promise<void> {
  try {
    await withFreshKeys(d, rp, (c) => oauth.validateApplicationLevelSignature(c.as, response, c.options));
  } catch (err) {
    throw fromOauth(err, 'AQ_ID_TOKEN_INVALID', 'ID token rejected');
  }
  checkIssuedAt(claims, rp);
  await checkAtHash(body.id_token!, body.access_token, false);
}
