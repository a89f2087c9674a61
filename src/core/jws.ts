/**
 * JWS compact serialization (RFC 7515) verified with the browser's WebCrypto: the crypto is the
 * platform's, this module only maps JOSE names onto it. It replaces oauth4webapi and jose on the
 * browser path because together they cost more bytes than DESIGN.md's whole budget allows; the
 * checks are the same; src/core/id-token.test.ts and the hostile OP suite (e2e/hostile) exercise them.
 */
import { AqError } from '../errors.js';
import { isObject } from './http.js';

/** A public key of the OP's JWKS (RFC 7517 §4); only the members used here are named. */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  [member: string]: unknown;
}

export interface Jwks {
  keys: Jwk[];
}

export interface DecodedJws {
  header: { alg: string; kid?: string; [member: string]: unknown };
  payload: Record<string, unknown>;
  /** The ASCII bytes the signature covers: `header.payload`. */
  input: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

/** Any malformed or unverifiable ID token; the message names what was wrong. */
export function invalid(problem: string, cause?: unknown): AqError {
  return new AqError('AQ_ID_TOKEN_INVALID', `ID token rejected: ${problem}`, { cause });
}

/** RFC 4648 §5 base64url without padding; anything else (padding, +, /, spaces) is refused. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  let bin: string | undefined;
  try {
    // atob also throws on a length no encoder writes (4n + 1).
    if (/^[\w-]*$/.test(text)) bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    // Reported below.
  }
  if (bin === undefined) throw invalid('a part is not base64url');
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function jsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64url(part)));
  } catch {
    // Falls through to the message below.
  }
  if (!isObject(value)) throw invalid(`its ${what} is not a base64url JSON object`);
  return value;
}

/**
 * Signature algorithms accepted: asymmetric only. "none" and HS* are absent on purpose, so a token
 * "signed" with nothing or with a secret anyone can read from the JWKS never verifies (RFC 8725 §2.1).
 */
const ALG = /^(?:[RPE]S(?:256|384|512)|EdDSA|Ed25519)$/;

/** Splits and decodes a compact JWS; the signature is not checked yet. */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.');
  // Five parts would be a JWE: an encrypted ID token is not supported, and is not silently trusted.
  if (parts.length !== 3) throw invalid(`it is not a compact JWS (${parts.length} parts, expected 3)`);
  const header = jsonPart(parts[0], 'header');
  if (typeof header.alg !== 'string' || !ALG.test(header.alg)) throw invalid(`"alg" ${JSON.stringify(header.alg)} is not allowed (asymmetric signatures only)`);
  // RFC 7515 §4.1.11: extensions marked critical must be understood; we understand none.
  if (header.crit !== undefined) throw invalid(`"crit" ${JSON.stringify(header.crit)} names extensions this client does not support`);
  if (header.kid !== undefined && typeof header.kid !== 'string') throw invalid('"kid" is not a string');
  return {
    header: header as DecodedJws['header'],
    payload: jsonPart(parts[1], 'payload'),
    input: new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    signature: fromBase64url(parts[2]),
  };
}

interface WebCryptoAlg {
  kty: string;
  crv?: string;
  importAs: RsaHashedImportParams | EcKeyImportParams | Algorithm;
  verifyAs: RsaPssParams | EcdsaParams | Algorithm;
}

/** RFC 7518 §3 and RFC 8037 §3.1 in WebCrypto's terms. */
function webCrypto(alg: string): WebCryptoAlg {
  const bits = alg.slice(2);
  const hash = `SHA-${bits}`;
  const family = alg.slice(0, 2);
  if (family === 'ES') {
    const crv = `P-${bits === '512' ? '521' : bits}`;
    return { kty: 'EC', crv, importAs: { name: 'ECDSA', namedCurve: crv }, verifyAs: { name: 'ECDSA', hash } };
  }
  if (family === 'Ed') return { kty: 'OKP', crv: 'Ed25519', importAs: { name: 'Ed25519' }, verifyAs: { name: 'Ed25519' } };
  // RSASSA-PKCS1-v1_5 ignores saltLength; RSA-PSS uses a salt as long as the hash (RFC 7518 §3.5).
  const name = family === 'RS' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS';
  return { kty: 'RSA', importAs: { name, hash }, verifyAs: { name, saltLength: +bits / 8 } };
}

/**
 * The keys of the set that may have signed this JWS: same kid (when the header names one), a key
 * type and curve the alg can use, and nothing in the JWK that forbids it (alg, use, key_ops).
 */
export function candidateKeys(jwks: Jwks, header: DecodedJws['header']): Jwk[] {
  const { kty, crv } = webCrypto(header.alg);
  return jwks.keys.filter(
    (k) =>
      k.kty === kty &&
      (crv === undefined || k.crv === crv) &&
      (header.kid === undefined || k.kid === header.kid) &&
      (k.alg === undefined || k.alg === header.alg || (header.alg === 'Ed25519' && k.alg === 'EdDSA')) &&
      (k.use === undefined || k.use === 'sig') &&
      (k.key_ops === undefined || (Array.isArray(k.key_ops) && k.key_ops.includes('verify'))),
  );
}

/** Keys shorter than this are refused (RFC 7518 §3.3 and §3.5 require at least 2048 bits). */
const MIN_RSA_BITS = 2048;

/** Verifies the signature with one key; false means it does not verify. */
export async function verifyJws(jws: DecodedJws, jwk: Jwk): Promise<boolean> {
  const { importAs, verifyAs } = webCrypto(jws.header.alg);
  // Only the key material goes to WebCrypto: members such as "alg": "EdDSA" would make importKey throw.
  const { kty, crv, n, e, x, y } = jwk;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('jwk', { kty, crv, n, e, x, y } as JsonWebKey, importAs, false, ['verify']);
  } catch (err) {
    throw invalid(`the OP's key${jwk.kid ? ` "${jwk.kid}"` : ''} cannot be used for ${jws.header.alg}: ${(err as Error).message}`);
  }
  const bits = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength;
  if (bits < MIN_RSA_BITS) throw invalid(`the OP's RSA key has ${bits} bits, fewer than ${MIN_RSA_BITS}`);
  return crypto.subtle.verify(verifyAs, key, jws.signature, jws.input);
}
