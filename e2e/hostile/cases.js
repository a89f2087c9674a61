// What the hostile OP gets wrong, one thing per case (after the OpenID Foundation's RP
// certification tests, Basic and Config profiles). Every case starts from a correct answer
// (BASE, plus claims built by the server) and changes only what its name says.

/**
 * @typedef {Record<string, unknown>} Claims
 * @typedef {object} Plan
 * @property {string[]} jwks the kids published at /jwks
 * @property {string} alg the ID token's "alg" header
 * @property {string | undefined} kid the ID token's "kid" header (undefined: no kid)
 * @property {string} signer the key that really signs: a kid of KEYS, or "client-id" (HMAC secret)
 * @property {(claims: Claims) => Claims} claims the ID token's claims from the correct ones
 * @property {string} [discoveryIssuer] "issuer" of the discovery document instead of the real one
 * @property {{ error: string, error_description: string }} [authorizeError] /authorize answers this
 * @property {{ error: string, error_description: string }} [tokenError] /token answers 400 with this
 * @property {string} [userinfoSub] userinfo's "sub" instead of the ID token's
 * @property {Partial<Plan>} [rotated] the plan after rotateKeys() (key-rotation)
 * @property {string} [responseType] what the page asks for (default code): implicit and hybrid cases
 * @property {Record<string, unknown>} [header] more members for the ID token's JOSE header
 * @property {Record<string, Record<string, unknown>>} [jwkChanges] changes to published JWKs, by kid
 * @property {string} [tokenType] the token response's "token_type" instead of "Bearer"
 * @property {(hash: string) => string | undefined} [tokenAtHash] the token response ID token's at_hash, from the right one
 * @property {string} [issParam] an RFC 9207 "iss" parameter in the authorization response
 * @property {unknown} [tokenExpiresIn] the token response's "expires_in" instead of a number of seconds
 * @property {boolean} [tokenRedirect] /token answers 307 to another URL that would answer well
 * @property {{ sub?: string }} [refresh] the token response has a refresh token (and expires_in 10);
 *   a refresh answers an ID token for `sub` (default: the signed-in user's)
 */

/** Keys the server makes: published ones, and attacker keys that sign under a published kid. */
export const KEYS = { 'rsa-a': 'RSA', 'rsa-b': 'RSA', 'ec-1': 'EC', 'ed-1': 'OKP', 'rsa-short': 'RSA1024', 'rsa-attacker': 'RSA', 'ec-attacker': 'EC' };

/** @type {Plan} */
export const BASE = { jwks: ['rsa-a', 'ec-1'], alg: 'RS256', kid: 'rsa-a', signer: 'rsa-a', claims: (c) => c };

const HOUR = 3600;

/** @type {Record<string, Partial<Plan>>} */
export const CASES = {
  'ok-rs256': {},
  'ok-es256': { alg: 'ES256', kid: 'ec-1', signer: 'ec-1' },
  'ok-ps256': { alg: 'PS256' },
  'ok-eddsa': { jwks: ['rsa-a', 'ed-1'], alg: 'EdDSA', kid: 'ed-1', signer: 'ed-1' },
  // EdDSA hashes at_hash and c_hash with SHA-512 (OIDC Core 3.3.2.11, RFC 8037).
  'ok-eddsa-hybrid': { responseType: 'code id_token token', jwks: ['rsa-a', 'ed-1'], alg: 'EdDSA', kid: 'ed-1', signer: 'ed-1' },
  // RFC 7518 3.3: an RSA key shorter than 2048 bits is too weak to be trusted.
  'rsa-key-too-short': { jwks: ['rsa-short'], kid: 'rsa-short', signer: 'rsa-short' },
  // RFC 7515 4.1.11: a critical extension the client does not understand.
  'crit-header': { header: { crit: ['urn:example:hostile'], 'urn:example:hostile': true } },
  // The only key with the right kid is published for encryption.
  'jwk-use-enc': { jwkChanges: { 'rsa-a': { use: 'enc' } } },
  // rp-id_token-kid-absent-single-jwks: one key, no kid: that key.
  'kid-absent-one-key': { jwks: ['rsa-a'], kid: undefined },
  // rp-id_token-kid-absent-multiple-jwks: two keys fit, no kid says which.
  'kid-absent-several-keys': { jwks: ['rsa-a', 'rsa-b'], kid: undefined },
  // rp-id_token-bad-sig-*: a published kid, signed by a key that is not the OP's.
  'bad-signature-rs256': { signer: 'rsa-attacker' },
  'bad-signature-es256': { alg: 'ES256', kid: 'ec-1', signer: 'ec-attacker' },
  // rp-id_token-sig-none: unsigned.
  'alg-none': { alg: 'none', kid: undefined },
  // rp-id_token-sig-hs256: HMAC with what a public client shares with the OP, its client_id.
  'alg-hs256': { alg: 'HS256', kid: undefined, signer: 'client-id' },
  'issuer-mismatch': { claims: (c) => ({ ...c, iss: 'https://op.attacker.example' }) },
  'missing-sub': { claims: (c) => ({ ...c, sub: undefined }) },
  'aud-wrong': { claims: (c) => ({ ...c, aud: 'another-client' }) },
  'aud-missing': { claims: (c) => ({ ...c, aud: undefined }) },
  'aud-several-no-azp': { claims: (c) => ({ ...c, aud: [c.aud, 'another-client'] }) },
  'azp-wrong': { claims: (c) => ({ ...c, aud: [c.aud, 'another-client'], azp: 'another-client' }) },
  'iat-missing': { claims: (c) => ({ ...c, iat: undefined }) },
  'exp-past': { claims: (c) => ({ ...c, iat: Number(c.iat) - 2 * HOUR, exp: Number(c.iat) - HOUR }) },
  'iat-future': { claims: (c) => ({ ...c, iat: Number(c.iat) + HOUR, exp: Number(c.iat) + 2 * HOUR }) },
  'nonce-wrong': { claims: (c) => ({ ...c, nonce: 'a-nonce-of-another-request' }) },
  'nonce-missing': { claims: (c) => ({ ...c, nonce: undefined }) },
  'userinfo-other-sub': { userinfoSub: 'someone-else' },
  // rp-discovery-issuer-not-matching-config.
  'discovery-issuer-mismatch': { discoveryIssuer: 'https://op.attacker.example' },
  // rp-key-rotation-op-sign-key: kid A first; after rotateKeys() only kid B is published and signs.
  'key-rotation': { jwks: ['rsa-a'], rotated: { jwks: ['rsa-b'], kid: 'rsa-b', signer: 'rsa-b' } },
  'token-type-dpop': { tokenType: 'DPoP' },
  // A check oauth4webapi brought (RFC 6749 5.1): "expires_in" is a number of seconds.
  'token-expires-in-not-a-number': { tokenExpiresIn: 'soon' },
  // A redirect from the token endpoint is not followed: it would re-send the code and verifier.
  'token-redirect': { tokenRedirect: true },
  // at_hash is optional in the token response, but a present one must match (OIDC Core 3.1.3.8).
  'at-hash-wrong-code-flow': { tokenAtHash: () => 'AAAAAAAAAAAAAAAAAAAAAA' },
  // RFC 9207: the response names another OP (a mix-up attack).
  'iss-param-wrong': { issParam: 'https://op.attacker.example' },
  'token-error': { tokenError: { error: 'invalid_grant', error_description: 'the hostile OP refuses this code' } },
  'authorize-error': { authorizeError: { error: 'access_denied', error_description: 'the hostile OP says no' } },
  // Implicit and hybrid profiles: the ID token of the front channel, and its hashes.
  'ok-implicit': { responseType: 'id_token token' },
  'ok-hybrid': { responseType: 'code id_token' },
  'ok-hybrid-token': { responseType: 'code id_token token' },
  'at-hash-wrong': { responseType: 'id_token token', claims: (c) => ({ ...c, at_hash: c.at_hash && 'AAAAAAAAAAAAAAAAAAAAAA' }) },
  'at-hash-missing': { responseType: 'id_token token', claims: (c) => ({ ...c, at_hash: undefined }) },
  'c-hash-wrong': { responseType: 'code id_token', claims: (c) => ({ ...c, c_hash: c.c_hash && 'AAAAAAAAAAAAAAAAAAAAAA' }) },
  'c-hash-missing': { responseType: 'code id_token', claims: (c) => ({ ...c, c_hash: undefined }) },
  // A front-channel ID token issued hours ago is a replayed one (oauth4webapi allows an hour).
  'iat-old-hybrid': { responseType: 'code id_token', claims: (c) => ({ ...c, iat: Number(c.iat) - 2 * HOUR, auth_time: Number(c.iat) - 2 * HOUR }) },
  'nonce-missing-implicit': { responseType: 'id_token token', claims: (c) => ({ ...c, nonce: undefined }) },
  'nonce-missing-hybrid': { responseType: 'code id_token', claims: (c) => ({ ...c, nonce: undefined }) },
  'bad-signature-implicit': { responseType: 'id_token token', signer: 'rsa-attacker' },
  'alg-none-implicit': { responseType: 'id_token', alg: 'none', kid: undefined },
  'aud-wrong-implicit': { responseType: 'id_token', claims: (c) => ({ ...c, aud: 'another-client' }) },
  // Renewal (docs/tokens.md): the refreshed ID token must name the same user (OIDC Core 12.2).
  'ok-refresh': { refresh: {} },
  'refresh-other-sub': { refresh: { sub: 'someone-else' } },
};

/** The subject the OP signs in for a case: a test can tell which case's token it got. */
export const subjectOf = (/** @type {string} */ name) => `user-of-${name}`;
