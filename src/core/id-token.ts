import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import type { Discovered } from './discovery.js';
import { fetchJwks, httpOptions } from './discovery.js';
import type { Transaction } from './transaction.js';
import { base64url } from './transaction.js';

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
    await verifySignature(d, response);
  } catch (err) {
    throw tokenError(err);
  }
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  // oauth4webapi checks that iat is a number, not that it is in the past: a token from the
  // future (a skewed or forging OP) would otherwise be accepted. OIDC Core §3.1.3.7 item 10.
  checkIssuedAt(claims.iat);
  return { claims, idToken: result.id_token!, accessToken: result.access_token };
}

/**
 * The ID token's signature against the JWKS. alg "none" and HMAC are refused: only the OP's
 * public keys can sign. On an unknown kid the keys are fetched again once (the OP rotated them):
 * oauth4webapi would only refetch keys older than 60 s, and it keeps them per metadata object, so
 * the retry goes with a fresh copy of the metadata and of the key set.
 */
async function verifySignature(d: Discovered, response: Response): Promise<void> {
  const verify = () => oauth.validateApplicationLevelSignature(d.as, response, { [oauth.jwksCache]: d.jwksCache, ...httpOptions(new URL(d.as.issuer)) });
  try {
    await verify();
  } catch (err) {
    if (!(err instanceof oauth.OperationProcessingError) || err.code !== oauth.KEY_SELECTION || !/no applicable keys/.test(err.message)) throw err;
    await refreshJwks(d);
    d.as = { ...d.as };
    await verify();
  }
}

function checkIssuedAt(iat: number): void {
  if (iat > Date.now() / 1000 + CLOCK_TOLERANCE) throw idTokenInvalid(`"iat" is in the future (${new Date(iat * 1000).toISOString()})`);
}

function tokenError(err: unknown): AqError {
  if (err instanceof AqError) return err;
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

/** Signature algorithms an ID token may use here: asymmetric only. "none" and HS* never verify. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Clock skew allowed on exp, iat and auth_time, in seconds (the same as oauth4webapi's default). */
export const CLOCK_TOLERANCE = 30;

function idTokenInvalid(problem: string, cause?: unknown): AqError {
  return new AqError('AQ_ID_TOKEN_INVALID', `ID token rejected: ${problem}`, { cause });
}

/**
 * at_hash / c_hash (OIDC Core §3.3.2.11): the left half of the hash of the ASCII value, with the
 * hash of the ID token's alg (SHA-512 for EdDSA with Ed25519).
 */
async function leftHalfHash(alg: string, value: string): Promise<string> {
  const bits = alg.startsWith('Ed') ? '512' : alg.slice(2);
  const digest = new Uint8Array(await crypto.subtle.digest(`SHA-${bits}`, new TextEncoder().encode(value)));
  return base64url(digest.slice(0, digest.length / 2));
}

async function checkHash(claims: Record<string, unknown>, claim: 'at_hash' | 'c_hash', alg: string, value: string): Promise<void> {
  if (typeof claims[claim] !== 'string') throw idTokenInvalid(`"${claim}" is missing but the response carries ${claim === 'at_hash' ? 'an access token' : 'a code'}`);
  if (claims[claim] !== (await leftHalfHash(alg, value))) throw idTokenInvalid(`"${claim}" does not match the ${claim === 'at_hash' ? 'access token' : 'code'} (a swapped token?)`);
}

/**
 * Validates an ID token that came through the front channel (implicit and hybrid responses), where
 * oauth4webapi does not go. jose is loaded only here, so the code flow does not pay for it.
 * Checks: signature against the JWKS (one refetch on an unknown kid, for key rotation; without a
 * kid exactly one key must fit), alg, iss, aud, azp, exp, iat, nonce, auth_time, and at_hash /
 * c_hash for the access token / code next to it.
 */
export async function verifyFrontChannelIdToken(
  d: Discovered,
  idToken: string,
  tx: Transaction,
  clientId: string,
  bound: { accessToken?: string; code?: string },
): Promise<oauth.IDToken> {
  // A module of our own with static imports: a dynamic import('jose') would pull all of jose.
  const { jwtVerify, createLocalJWKSet, errors } = await import('./jose.js');
  const verify = () =>
    jwtVerify(idToken, createLocalJWKSet(d.jwksCache.jwks as Parameters<typeof createLocalJWKSet>[0]), {
      algorithms: ALGORITHMS,
      issuer: d.as.issuer,
      audience: clientId,
      clockTolerance: CLOCK_TOLERANCE,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    });
  let result: Awaited<ReturnType<typeof verify>>;
  try {
    try {
      result = await verify();
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      // The OP may have rotated its keys since the prefetch: refetch once, then give up.
      await refreshJwks(d);
      result = await verify();
    }
  } catch (err) {
    if (err instanceof AqError) throw err;
    const claim = (err as { claim?: string }).claim;
    const why = err instanceof Error ? err.message : String(err);
    throw idTokenInvalid(claim && claim !== 'unspecified' ? `"${claim}": ${why}` : why, err);
  }
  const claims = result.payload as oauth.IDToken;
  const alg = result.protectedHeader.alg;
  checkIssuedAt(claims.iat);
  // OIDC Core §3.1.3.7 items 4-5: several audiences need an azp, and an azp must be us.
  if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp === undefined) throw idTokenInvalid('"azp" is missing but "aud" has several audiences');
  if (claims.azp !== undefined && claims.azp !== clientId) throw idTokenInvalid(`"azp" is "${claims.azp}", expected "${clientId}"`);
  // §3.2.2.11: the nonce binds the token to this request; without it a stolen token replays.
  if (claims.nonce !== tx.nonce) throw idTokenInvalid(claims.nonce === undefined ? '"nonce" is missing' : '"nonce" does not match the request');
  if (tx.maxAge !== undefined) {
    if (typeof claims.auth_time !== 'number') throw idTokenInvalid('"auth_time" is missing but max-age was requested');
    if (claims.auth_time + tx.maxAge + CLOCK_TOLERANCE < Date.now() / 1000) throw idTokenInvalid('"auth_time" is older than max-age');
  }
  if (bound.accessToken) await checkHash(claims, 'at_hash', alg, bound.accessToken);
  if (bound.code) await checkHash(claims, 'c_hash', alg, bound.code);
  return claims;
}

async function refreshJwks(d: Discovered): Promise<void> {
  try {
    d.jwksCache.jwks = await fetchJwks(d.as.jwks_uri!);
    d.jwksCache.uat = Math.floor(Date.now() / 1000);
  } catch (err) {
    throw idTokenInvalid(`no key for its "kid", and refetching ${d.as.jwks_uri} failed`, err);
  }
}
