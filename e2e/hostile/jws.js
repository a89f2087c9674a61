// Keys and compact JWS for the hostile OP, with node:crypto only (jose is not a dependency of the
// e2e world). It signs whatever header and claims it is given: the cases decide what is wrong.
import { constants, createHmac, generateKeyPairSync, sign } from 'node:crypto';

/**
 * A signing key with its public JWK. No "alg" on the JWK: one RSA key serves RS256 and PS256.
 * RSA1024 is a key too short to be trusted (RFC 7518 §3.3); OKP is Ed25519 (RFC 8037).
 * @param {'RSA' | 'RSA1024' | 'EC' | 'OKP'} kty
 * @param {string} kid
 */
export function newKey(kty, kid) {
  const { publicKey, privateKey } = kty === 'EC'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : kty === 'OKP'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: kty === 'RSA1024' ? 1024 : 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' } };
}

const b64u = (/** @type {Buffer | string} */ input) => Buffer.from(input).toString('base64url');

/**
 * @param {string} alg RS256 | PS256 | ES256 | EdDSA | HS256 | none
 * @param {import('node:crypto').KeyObject | string | undefined} key a private key, or the HMAC secret
 * @param {string} input the JWS signing input
 */
function signature(alg, key, input) {
  switch (alg) {
    case 'none':
      return Buffer.alloc(0);
    case 'HS256':
      return createHmac('sha256', /** @type {string} */ (key)).update(input).digest();
    case 'RS256':
      return sign('sha256', Buffer.from(input), /** @type {import('node:crypto').KeyObject} */ (key));
    case 'PS256':
      // RFC 7518 §3.5: salt as long as the hash.
      return sign('sha256', Buffer.from(input), { key: /** @type {import('node:crypto').KeyObject} */ (key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'ES256':
      // RFC 7518 §3.4: r || s, not DER.
      return sign('sha256', Buffer.from(input), { key: /** @type {import('node:crypto').KeyObject} */ (key), dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, Buffer.from(input), /** @type {import('node:crypto').KeyObject} */ (key));
    default:
      throw new Error(`hostile OP: no signer for alg ${alg}`);
  }
}

/**
 * A compact JWS. Members whose value is undefined are left out (JSON.stringify drops them), which
 * is how a case removes a claim or the kid.
 * @param {Record<string, unknown>} header must carry "alg"
 * @param {Record<string, unknown>} claims
 * @param {import('node:crypto').KeyObject | string | undefined} key
 */
export function compactJws(header, claims, key) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return `${input}.${b64u(signature(/** @type {string} */ (header.alg), key, input))}`;
}
