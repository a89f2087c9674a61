// @vitest-environment node
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateFrontChannel } from './front-channel.js';
import type { TestOp } from './test-support/signer.js';
import { ISSUER, RP, testOp } from './test-support/signer.js';
import type { Transaction } from './transaction.js';

let op: TestOp;
beforeAll(async () => {
  op = await testOp();
});
afterEach(() => vi.unstubAllGlobals());

const tx = (responseType: string) => ({ state: 'S', nonce: 'n', codeVerifier: 'v', redirectUri: 'https://rp.example/', responseType }) as Transaction;
const params = (p: Record<string, string>) => new URLSearchParams({ state: 'S', ...p });

async function outcome(responseType: string, p: Record<string, string>, rp = RP): Promise<string> {
  try {
    const valid = await validateFrontChannel(op.d, rp, params(p), tx(responseType));
    return `ok ${valid.claims?.sub} ${valid.code ?? '-'} ${valid.callback ? 'callback' : '-'}`;
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
}

describe('implicit (id_token, id_token token)', () => {
  it('accepts a signed ID token for this request, and at_hash binds the access token', async () => {
    expect(await outcome('id_token', { id_token: await op.idToken() })).toBe('ok alice - -');
    expect(await outcome('id_token token', { id_token: await op.idToken({ at_hash: await op.halfHash('AT') }), access_token: 'AT' })).toBe('ok alice - -');
  });

  it.each<[string, () => Promise<Record<string, string>>, RegExp]>([
    ['signed by another key', async () => ({ id_token: await op.idToken({}, 'attacker') }), /^AQ_ID_TOKEN_INVALID .*signature/],
    ['for another request', async () => ({ id_token: await op.idToken({ nonce: 'x' }) }), /^AQ_ID_TOKEN_INVALID .*"nonce"/],
    ['for another client', async () => ({ id_token: await op.idToken({ aud: 'other' }) }), /^AQ_ID_TOKEN_INVALID .*"aud"/],
    ['from another issuer', async () => ({ id_token: await op.idToken({ iss: 'https://op.attacker.example' }) }), /^AQ_ID_TOKEN_INVALID .*"iss"/],
    ['expired', async () => ({ id_token: await op.idToken({ exp: Math.floor(Date.now() / 1000) - 3600 }) }), /^AQ_ID_TOKEN_INVALID .*"exp"/],
    ['unsigned', async () => ({ id_token: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${(await op.idToken()).split('.')[1]}.` }), /^AQ_ID_TOKEN_INVALID .*"alg"/],
  ])('refuses an ID token %s', async (_name, p, expected) => {
    expect(await outcome('id_token', await p())).toMatch(expected);
  });

  it('refuses a swapped access token, and one without at_hash', async () => {
    expect(await outcome('id_token token', { id_token: await op.idToken({ at_hash: await op.halfHash('AT') }), access_token: 'OTHER' })).toMatch(/^AQ_ID_TOKEN_INVALID .*"at_hash" does not match/);
    expect(await outcome('id_token token', { id_token: await op.idToken(), access_token: 'AT' })).toMatch(/^AQ_ID_TOKEN_INVALID .*"at_hash" is missing/);
  });

  it('RFC 9207: needs no "iss" beside an ID token, but refuses a different one', async () => {
    op.d.as = { ...op.d.as, authorization_response_iss_parameter_supported: true };
    try {
      expect(await outcome('id_token', { id_token: await op.idToken() })).toBe('ok alice - -');
      expect(await outcome('id_token', { id_token: await op.idToken(), iss: 'https://op.attacker.example' })).toMatch(/^AQ_RESPONSE_INVALID .*"iss"/);
      expect(await outcome('id_token', { id_token: await op.idToken(), iss: ISSUER })).toBe('ok alice - -');
    } finally {
      delete (op.d.as as { authorization_response_iss_parameter_supported?: boolean }).authorization_response_iss_parameter_supported;
    }
  });

  it('checks the state before the token', async () => {
    expect(await outcome('id_token', { id_token: 'garbage', state: 'T' })).toMatch(/^AQ_STATE_INVALID/);
  });
});

describe('hybrid (code id_token, code id_token token)', () => {
  it('accepts a c_hash that matches the code, and hands the code on', async () => {
    expect(await outcome('code id_token', { code: 'C', id_token: await op.idToken({ c_hash: await op.halfHash('C') }) })).toBe('ok alice C callback');
  });

  it('refuses a swapped code, and a missing c_hash', async () => {
    expect(await outcome('code id_token', { code: 'OTHER', id_token: await op.idToken({ c_hash: await op.halfHash('C') }) })).toMatch(/^AQ_ID_TOKEN_INVALID .*c_hash/);
    expect(await outcome('code id_token', { code: 'C', id_token: await op.idToken() })).toMatch(/^AQ_ID_TOKEN_INVALID .*c_hash/);
  });

  it('refuses a response without the code response_type promised', async () => {
    expect(await outcome('code id_token', { id_token: await op.idToken({ c_hash: await op.halfHash('C') }) })).toMatch(/^AQ_RESPONSE_INVALID .*no "code"/);
  });
});

// Issue 13, finding 16: a device whose clock is two minutes slow sees tokens issued "in the
// future"; one two minutes fast sees them expire early. clockSkew (seconds added to the local
// clock, as oauth4webapi's) and clockTolerance reach our iat check and oauth4webapi's exp check.
describe('clock skew and tolerance', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const slowDevice = () => op.idToken({ iat: now() + 120, exp: now() + 420 });
  const fastDevice = () => op.idToken({ iat: now() - 360, exp: now() - 60 });

  it.each(['id_token', 'code id_token'])('%s: an iat 2 min ahead is refused by default, taken with clockSkew 120 or clockTolerance 150', async (responseType) => {
    const hybrid = responseType.startsWith('code');
    const p: Record<string, string> = hybrid
      ? { code: 'C', id_token: await op.idToken({ iat: now() + 120, exp: now() + 420, c_hash: await op.halfHash('C') }) }
      : { id_token: await slowDevice() };
    const ok = hybrid ? 'ok alice C callback' : 'ok alice - -';
    expect(await outcome(responseType, p)).toMatch(/^AQ_ID_TOKEN_INVALID .*"iat" is in the future/);
    expect(await outcome(responseType, p, { ...RP, clockSkew: 120 })).toBe(ok);
    expect(await outcome(responseType, p, { ...RP, clockTolerance: 150 })).toBe(ok);
    // The other way round is a device running fast: the token looks even further ahead.
    expect(await outcome(responseType, p, { ...RP, clockSkew: -120 })).toMatch(/"iat" is in the future/);
  });

  it('an exp 1 min past is refused by default (oauth4webapi), taken with clockSkew -120 or clockTolerance 90', async () => {
    const token = await fastDevice();
    expect(await outcome('id_token', { id_token: token })).toMatch(/^AQ_ID_TOKEN_INVALID .*"exp"/);
    expect(await outcome('id_token', { id_token: token }, { ...RP, clockSkew: -120 })).toBe('ok alice - -');
    expect(await outcome('id_token', { id_token: token }, { ...RP, clockTolerance: 90 })).toBe('ok alice - -');
  });

  it('still refuses an iat an hour ahead with those settings', async () => {
    const token = await op.idToken({ iat: now() + 3600, exp: now() + 7200 });
    for (const rp of [RP, { ...RP, clockSkew: 120 }, { ...RP, clockTolerance: 150 }]) {
      expect(await outcome('id_token', { id_token: token }, rp)).toMatch(/^AQ_ID_TOKEN_INVALID .*"iat" is in the future/);
    }
  });
});

describe('key rotation', () => {
  it('fetches the JWKS again once when no prefetched key fits, and keeps the new keys', async () => {
    const rotated = await testOp('k2');
    const fetch = vi.fn(async () => new Response(JSON.stringify(rotated.d.jwks.jwks), { headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    const d = { ...op.d, jwks: { ...op.d.jwks } };
    const valid = await validateFrontChannel(d, RP, params({ id_token: await rotated.idToken() }), tx('id_token'));
    expect(valid.claims?.sub).toBe('alice');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(d.jwks.jwks.keys.map((k) => k.kid)).toEqual(['k2']);
  });
});
