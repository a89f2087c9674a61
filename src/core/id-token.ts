import type { Discovered } from './discovery.js';
import { fetchJwks } from './discovery.js';
import type { DecodedJws } from './jws.js';
import { candidateKeys, decodeJws, invalid, verifyJws } from './jws.js';
import { base64url } from './transaction.js';

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

/** What the ID token must match: this client, this request, and what came with it. */
export interface Expected {
  clientId: string;
  nonce: string;
  maxAge?: number;
  /** The access token beside the ID token: at_hash must match it. */
  accessToken?: string;
  /** The code beside the ID token in a hybrid response: c_hash must match it. */
  code?: string;
  /**
   * From the authorization endpoint (implicit, hybrid): at_hash and c_hash are then required, as
   * they bind the token to what came with it (§3.2.2.10, §3.3.2.11). From the token endpoint
   * at_hash is optional and checked when present (§3.1.3.8).
   */
  front: boolean;
}

/** Clock skew allowed on exp, iat, nbf and auth_time, in seconds (as oauth4webapi and jose allow). */
export const CLOCK_TOLERANCE = 30;

const iso = (s: number) => new Date(s * 1000).toISOString();

/**
 * Validates an ID token from any flow (OIDC Core §3.1.3.7, §3.2.2.11, §3.3.2.12): signature against
 * the OP's JWKS, then iss, aud, azp, sub, exp, iat, nbf, nonce, auth_time, at_hash and c_hash.
 * Every failure is AQ_ID_TOKEN_INVALID naming the claim.
 */
export async function validateIdToken(d: Discovered, token: string, expected: Expected): Promise<IdTokenClaims> {
  const jws = decodeJws(token);
  await checkSignature(d, jws);
  const claims = checkClaims(jws.payload, d.as.issuer, expected);
  const alg = jws.header.alg;
  if (expected.accessToken && (expected.front || claims.at_hash !== undefined)) await checkHash(claims, 'at_hash', alg, expected.accessToken);
  if (expected.code) await checkHash(claims, 'c_hash', alg, expected.code);
  return claims;
}

/**
 * Exactly one key of the JWKS must fit the header. When none does, the OP may have rotated its
 * keys since the prefetch: the set is fetched again once, then the token is refused.
 */
async function checkSignature(d: Discovered, jws: DecodedJws): Promise<void> {
  let keys = candidateKeys(d.jwks, jws.header);
  if (keys.length === 0) {
    await refreshJwks(d);
    keys = candidateKeys(d.jwks, jws.header);
  }
  const { kid, alg } = jws.header;
  const which = `(${kid === undefined ? 'no "kid"' : `"kid" "${kid}"`}, ${alg})`;
  if (keys.length !== 1) throw invalid(keys.length ? `${keys.length} keys of the OP's JWKS fit ${which}: ambiguous` : `no key of the OP's JWKS fits ${which}`);
  if (!(await verifyJws(jws, keys[0]))) throw invalid(`the ${alg} signature does not verify with the OP's key${kid === undefined ? '' : ` "${kid}"`}`);
}

function checkClaims(payload: Record<string, unknown>, issuer: string, expected: Expected): IdTokenClaims {
  const claims = payload as IdTokenClaims;
  const now = Date.now() / 1000;
  const { clientId } = expected;
  if (claims.iss !== issuer) throw invalid(`"iss" is ${JSON.stringify(claims.iss)}, expected "${issuer}"`);
  if (typeof claims.sub !== 'string' || !claims.sub) throw invalid('"sub" is missing');
  const aud = claims.aud;
  if (!(aud === clientId || (Array.isArray(aud) && aud.includes(clientId)))) {
    throw invalid(aud === undefined ? '"aud" is missing' : `"aud" ${JSON.stringify(aud)} does not name this client "${clientId}"`);
  }
  // §3.1.3.7 items 4-5: several audiences need an azp, and an azp must be us.
  if (Array.isArray(aud) && aud.length > 1 && claims.azp === undefined) throw invalid('"azp" is missing but "aud" has several audiences');
  if (claims.azp !== undefined && claims.azp !== clientId) throw invalid(`"azp" is ${JSON.stringify(claims.azp)}, expected "${clientId}"`);
  if (typeof claims.exp !== 'number') throw invalid('"exp" is missing');
  if (claims.exp + CLOCK_TOLERANCE <= now) throw invalid(`"exp" has passed (${iso(claims.exp)})`);
  if (typeof claims.iat !== 'number') throw invalid('"iat" is missing');
  // A token from the future comes from a skewed or forging OP (§3.1.3.7 item 10).
  if (claims.iat > now + CLOCK_TOLERANCE) throw invalid(`"iat" is in the future (${iso(claims.iat)})`);
  if (claims.nbf !== undefined && !(typeof claims.nbf === 'number' && claims.nbf <= now + CLOCK_TOLERANCE)) throw invalid(`"nbf" is not yet reached`);
  // §3.1.3.7 item 11: the nonce binds the token to this request; without it a stolen token replays.
  if (claims.nonce !== expected.nonce) throw invalid(claims.nonce === undefined ? '"nonce" is missing' : '"nonce" does not match the request');
  if (claims.auth_time !== undefined && typeof claims.auth_time !== 'number') throw invalid('"auth_time" is not a number');
  if (expected.maxAge !== undefined) {
    if (claims.auth_time === undefined) throw invalid('"auth_time" is missing but max-age was requested');
    if (claims.auth_time + expected.maxAge + CLOCK_TOLERANCE < now) throw invalid('"auth_time" is older than max-age');
  }
  return claims;
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

async function checkHash(claims: IdTokenClaims, claim: 'at_hash' | 'c_hash', alg: string, value: string): Promise<void> {
  const what = claim === 'at_hash' ? 'access token' : 'code';
  if (typeof claims[claim] !== 'string') throw invalid(`"${claim}" is missing but the response carries ${claim === 'at_hash' ? 'an' : 'a'} ${what}`);
  if (claims[claim] !== (await leftHalfHash(alg, value))) throw invalid(`"${claim}" does not match the ${what} (a swapped token?)`);
}

async function refreshJwks(d: Discovered): Promise<void> {
  try {
    d.jwks = await fetchJwks(d.as.jwks_uri);
    d.fetchedAt = Math.floor(Date.now() / 1000);
  } catch (err) {
    throw invalid(`no key for its header, and refetching ${d.as.jwks_uri} failed`, err);
  }
}
