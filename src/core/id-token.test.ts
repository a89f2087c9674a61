import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Discovered } from './discovery.js';
import type { Expected } from './id-token.js';
import { validateIdToken } from './id-token.js';
import type { Jwk } from './jws.js';
import { base64url } from './transaction.js';

const ISSUER = 'https://op.example';
const CLIENT = 'app';
const NONCE = 'n-0S6_WzA2Mj';
const now = () => Math.floor(Date.now() / 1000);

const text = (s: string) => base64url(new TextEncoder().encode(s));
const json = (o: unknown) => text(JSON.stringify(o));

/** WebCrypto parameters to make a key pair for each JWS alg (RFC 7518 §3, RFC 8037). */
function generation(alg: string): { gen: RsaHashedKeyGenParams | EcKeyGenParams | Algorithm; sign: Algorithm | RsaPssParams | EcdsaParams } {
  const hash = `SHA-${alg.slice(2)}`;
  const rsa = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash };
  if (alg.startsWith('RS')) return { gen: { name: 'RSASSA-PKCS1-v1_5', ...rsa }, sign: { name: 'RSASSA-PKCS1-v1_5' } };
  if (alg.startsWith('PS')) return { gen: { name: 'RSA-PSS', ...rsa }, sign: { name: 'RSA-PSS', saltLength: Number(alg.slice(2)) / 8 } };
  if (alg.startsWith('ES')) return { gen: { name: 'ECDSA', namedCurve: alg === 'ES512' ? 'P-521' : `P-${alg.slice(2)}` }, sign: { name: 'ECDSA', hash } };
  return { gen: { name: 'Ed25519' }, sign: { name: 'Ed25519' } };
}

interface Signer {
  alg: string;
  jwk: Jwk;
  sign(header: Record<string, unknown>, claims: Record<string, unknown>): Promise<string>;
}

async function signer(alg: string, kid: string, modulusLength = 2048): Promise<Signer> {
  const { gen, sign } = generation(alg);
  if ('modulusLength' in gen) gen.modulusLength = modulusLength;
  const pair = (await crypto.subtle.generateKey(gen, true, ['sign', 'verify'])) as CryptoKeyPair;
  const { kty, n, e, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    alg,
    jwk: JSON.parse(JSON.stringify({ kty, n, e, crv, x, y, kid, use: 'sig' })),
    async sign(header, claims) {
      const input = `${json(header)}.${json(claims)}`;
      const sig = await crypto.subtle.sign(sign, pair.privateKey, new TextEncoder().encode(input));
      return `${input}.${base64url(new Uint8Array(sig))}`;
    },
  };
}

const goodClaims = (): Record<string, unknown> => ({ iss: ISSUER, sub: 'alice', aud: CLIENT, exp: now() + 600, iat: now(), nonce: NONCE });

function discovered(keys: Jwk[]): Discovered {
  return { as: { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` }, jwks: { keys }, fetchedAt: now() };
}

const expected = (more: Partial<Expected> = {}): Expected => ({ clientId: CLIENT, nonce: NONCE, front: false, ...more });

/** The JWKS the OP serves when the client fetches it again. */
function serveJwks(keys: Jwk[]) {
  const fetch = vi.fn(async () => new Response(JSON.stringify({ keys }), { headers: { 'content-type': 'application/json' } }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const signers = new Map<string, Signer>();
beforeAll(async () => {
  for (const alg of ALGS) signers.set(alg, await signer(alg, `k-${alg}`));
}, 60_000);

async function leftHalf(value: string, hash = 'SHA-256'): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(value)));
  return base64url(digest.slice(0, digest.length / 2));
}

describe('validateIdToken: signatures', () => {
  it.each(ALGS)('%s: accepts a good signature and refuses one over other claims', async (alg) => {
    const s = signers.get(alg)!;
    const token = await s.sign({ alg, kid: s.jwk.kid }, goodClaims());
    await expect(validateIdToken(discovered([s.jwk]), token, expected())).resolves.toMatchObject({ sub: 'alice' });
    const [h, , sig] = token.split('.');
    const forged = `${h}.${json({ ...goodClaims(), sub: 'mallory' })}.${sig}`;
    await expect(validateIdToken(discovered([s.jwk]), forged, expected())).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(/signature does not verify/) });
  });

  it.each([
    ['none', { alg: 'none' }],
    ['HS256', { alg: 'HS256' }],
    ['RS1', { alg: 'RS1' }],
    ['a missing alg', {}],
  ])('refuses alg %s', async (_name, header) => {
    const token = `${json(header)}.${json(goodClaims())}.${text('sig')}`;
    await expect(validateIdToken(discovered([signers.get('RS256')!.jwk]), token, expected())).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(/"alg"/) });
  });

  it.each([
    ['a JWE (five parts)', (t: string) => `${t}.x.y`, /compact JWS/],
    ['padding in base64url', (t: string) => `${t}==`, /base64url/],
    ['a signature of an impossible base64url length', (t: string) => `${t}A`.replace(/\.[^.]*$/, '.AAAAA'), /base64url/],
    ['a header that is not JSON', (t: string) => `${text('{alg')}.${t.split('.').slice(1).join('.')}`, /header/],
    ['an array as payload', (t: string) => `${t.split('.')[0]}.${json([1])}.${t.split('.')[2]}`, /payload is not a base64url JSON object/],
  ])('refuses %s', async (_name, spoil, message) => {
    const s = signers.get('RS256')!;
    const token = spoil(await s.sign({ alg: 'RS256', kid: s.jwk.kid }, goodClaims()));
    await expect(validateIdToken(discovered([s.jwk]), token, expected())).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(message) });
  });

  it('refuses a critical header extension it does not understand', async () => {
    const s = signers.get('ES256')!;
    const token = await s.sign({ alg: 'ES256', kid: s.jwk.kid, crit: ['urn:x'], 'urn:x': 1 }, goodClaims());
    await expect(validateIdToken(discovered([s.jwk]), token, expected())).rejects.toThrow(/"crit"/);
  });

  it.each([
    ['"use": "enc"', { use: 'enc' }],
    ['"key_ops" without verify', { key_ops: ['encrypt'] }],
    ['another "alg"', { alg: 'RS512' }],
  ])('a key with %s does not verify; the JWKS is fetched again once, then the token is refused', async (_name, change) => {
    const s = signers.get('RS256')!;
    const key = { ...s.jwk, ...change };
    const fetch = serveJwks([key]);
    const token = await s.sign({ alg: 'RS256', kid: s.jwk.kid }, goodClaims());
    await expect(validateIdToken(discovered([key]), token, expected())).rejects.toThrow(/no key of the OP's JWKS fits/);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('skips what cannot be a key in a refetched JWKS', async () => {
    const s = signers.get('RS256')!;
    serveJwks([null, 'x', { ...s.jwk, key_ops: 'verify' }, s.jwk] as unknown as Jwk[]);
    const token = await s.sign({ alg: 'RS256', kid: s.jwk.kid }, goodClaims());
    await expect(validateIdToken(discovered([]), token, expected())).resolves.toMatchObject({ sub: 'alice' });
  });

  it('an EC key of another curve does not verify ES384', async () => {
    const s = signers.get('ES384')!;
    serveJwks([signers.get('ES256')!.jwk]);
    const token = await s.sign({ alg: 'ES384' }, goodClaims());
    await expect(validateIdToken(discovered([{ ...signers.get('ES256')!.jwk }]), token, expected())).rejects.toThrow(/no key/);
  });

  it('an unknown kid refetches the JWKS once: a rotated key is found', async () => {
    const old = signers.get('RS256')!;
    const rotated = await signer('RS256', 'k-new');
    const fetch = serveJwks([rotated.jwk]);
    const d = discovered([old.jwk]);
    const token = await rotated.sign({ alg: 'RS256', kid: 'k-new' }, goodClaims());
    await expect(validateIdToken(d, token, expected())).resolves.toMatchObject({ sub: 'alice' });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(d.jwks.keys[0].kid).toBe('k-new');
  });

  it('without a kid exactly one key must fit', async () => {
    const a = signers.get('RS256')!;
    const b = signers.get('RS384')!;
    const token = await a.sign({ alg: 'RS256' }, goodClaims());
    await expect(validateIdToken(discovered([a.jwk]), token, expected())).resolves.toMatchObject({ sub: 'alice' });
    await expect(validateIdToken(discovered([a.jwk, { ...b.jwk }]), token, expected())).rejects.toThrow(/2 keys .* \(no "kid", RS256\): ambiguous/);
  });

  it('refuses an RSA key shorter than 2048 bits', async () => {
    const short = await signer('RS256', 'short', 1024);
    const token = await short.sign({ alg: 'RS256', kid: 'short' }, goodClaims());
    await expect(validateIdToken(discovered([short.jwk]), token, expected())).rejects.toThrow(/1024 bits/);
  });
});

describe('validateIdToken: claims', () => {
  const HOUR = 3600;
  it.each<[string, (c: Record<string, unknown>) => Record<string, unknown>, RegExp, Partial<Expected>?]>([
    ['another issuer', (c) => ({ ...c, iss: 'https://op.attacker.example' }), /"iss"/],
    ['no sub', (c) => ({ ...c, sub: undefined }), /"sub"/],
    ['an empty sub', (c) => ({ ...c, sub: '' }), /"sub"/],
    ['another audience', (c) => ({ ...c, aud: 'other' }), /"aud"/],
    ['no audience', (c) => ({ ...c, aud: undefined }), /"aud" is missing/],
    ['several audiences without azp', (c) => ({ ...c, aud: [CLIENT, 'other'] }), /"azp" is missing/],
    ['an azp of another client', (c) => ({ ...c, aud: [CLIENT, 'other'], azp: 'other' }), /"azp"/],
    ['no exp', (c) => ({ ...c, exp: undefined }), /"exp" is missing/],
    ['an exp past the skew', (c) => ({ ...c, exp: now() - 31 }), /"exp" has passed/],
    ['no iat', (c) => ({ ...c, iat: undefined }), /"iat" is missing/],
    ['an iat in the future', (c) => ({ ...c, iat: now() + HOUR }), /"iat" is in the future/],
    ['an nbf in the future', (c) => ({ ...c, nbf: now() + HOUR }), /"nbf"/],
    ['another nonce', (c) => ({ ...c, nonce: 'other' }), /"nonce" does not match/],
    ['no nonce', (c) => ({ ...c, nonce: undefined }), /"nonce" is missing/],
    ['no auth_time with max-age', (c) => c, /"auth_time" is missing/, { maxAge: 60 }],
    ['an auth_time older than max-age', (c) => ({ ...c, auth_time: now() - HOUR }), /older than max-age/, { maxAge: 60 }],
    ['an auth_time that is not a number', (c) => ({ ...c, auth_time: 'yesterday' }), /"auth_time"/],
  ])('refuses %s', async (_name, change, message, more) => {
    const s = signers.get('ES256')!;
    const token = await s.sign({ alg: 'ES256', kid: s.jwk.kid }, change(goodClaims()));
    await expect(validateIdToken(discovered([s.jwk]), token, expected(more))).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(message) });
  });

  it('accepts an exp just inside the skew, several audiences with azp, and a fresh auth_time', async () => {
    const s = signers.get('ES256')!;
    const claims = { ...goodClaims(), exp: now() - 10, aud: [CLIENT, 'other'], azp: CLIENT, auth_time: now() - 30 };
    const token = await s.sign({ alg: 'ES256', kid: s.jwk.kid }, claims);
    await expect(validateIdToken(discovered([s.jwk]), token, expected({ maxAge: 60 }))).resolves.toMatchObject({ azp: CLIENT });
  });
});

describe('validateIdToken: at_hash and c_hash', () => {
  const signed = async (alg: string, claims: Record<string, unknown>) => {
    const s = signers.get(alg)!;
    return { d: discovered([s.jwk]), token: await s.sign({ alg, kid: s.jwk.kid }, { ...goodClaims(), ...claims }) };
  };

  it('front channel: at_hash and c_hash are required and must match', async () => {
    const { d, token } = await signed('RS256', { at_hash: await leftHalf('AT'), c_hash: await leftHalf('CODE') });
    await expect(validateIdToken(d, token, expected({ front: true, accessToken: 'AT', code: 'CODE' }))).resolves.toBeTruthy();
    await expect(validateIdToken(d, token, expected({ front: true, accessToken: 'AT2', code: 'CODE' }))).rejects.toThrow(/"at_hash" does not match/);
    await expect(validateIdToken(d, token, expected({ front: true, accessToken: 'AT', code: 'CODE2' }))).rejects.toThrow(/"c_hash" does not match/);
    const bare = await signed('RS256', {});
    await expect(validateIdToken(bare.d, bare.token, expected({ front: true, accessToken: 'AT' }))).rejects.toThrow(/"at_hash" is missing/);
    await expect(validateIdToken(bare.d, bare.token, expected({ front: true, code: 'CODE' }))).rejects.toThrow(/"c_hash" is missing/);
  });

  it('token endpoint: at_hash is optional, and checked when present', async () => {
    const bare = await signed('RS256', {});
    await expect(validateIdToken(bare.d, bare.token, expected({ accessToken: 'AT' }))).resolves.toBeTruthy();
    const wrong = await signed('RS256', { at_hash: await leftHalf('other') });
    await expect(validateIdToken(wrong.d, wrong.token, expected({ accessToken: 'AT' }))).rejects.toThrow(/"at_hash" does not match/);
  });

  it('uses the hash of the alg: SHA-384 for ES384, SHA-512 for EdDSA', async () => {
    for (const [alg, hash] of [['ES384', 'SHA-384'], ['EdDSA', 'SHA-512']]) {
      const { d, token } = await signed(alg, { at_hash: await leftHalf('AT', hash) });
      await expect(validateIdToken(d, token, expected({ front: true, accessToken: 'AT' }))).resolves.toBeTruthy();
    }
  });
});
