// @vitest-environment node
// (happy-dom's URL.parse returns a URL that is not an instance of its own URL, which oauth4webapi checks.)
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AqConfig } from '../core/config.js';
import type { SignedInRecord } from '../core/store.js';
import type { TestOp } from '../core/test-support/signer.js';
import { RP, testOp } from '../core/test-support/signer.js';
import { refreshRecord, refused } from './refresh.js';

let op: TestOp;
beforeAll(async () => {
  op = await testOp();
});
afterEach(() => vi.unstubAllGlobals());

const config = { ...RP, responseType: 'code', dpop: 'off' } as AqConfig;
const record: SignedInRecord = { profile: { sub: 'alice' }, idToken: 'old.id.token', accessToken: 'old', refreshToken: 'RT1', expiresAt: 0 };

function answer(body: object): void {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })));
}
const renewed = async (claims: Record<string, unknown>, key?: 'attacker') => ({ access_token: 'AT2', token_type: 'Bearer', refresh_token: 'RT2', id_token: await op.idToken({ nonce: undefined, ...claims }, key) });

describe('refreshRecord', () => {
  it('keeps the renewed tokens and the claims of a renewed ID token that passes every check', async () => {
    answer(await renewed({ at_hash: await op.halfHash('AT2'), name: 'Alice' }));
    await expect(refreshRecord(op.d, config, record)).resolves.toMatchObject({ accessToken: 'AT2', refreshToken: 'RT2', profile: { sub: 'alice', name: 'Alice' } });
  });

  // The same checks as the code exchange's ID token (id-token.ts, checkTokenEndpointIdToken): a
  // refresh must not be a way around them.
  it.each<[string, () => Promise<object>, RegExp]>([
    ['signed by another key', () => renewed({}, 'attacker'), /signature/],
    ['issued in the future', () => renewed({ iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 }), /"iat" is in the future/],
    ['with an at_hash of another access token', async () => renewed({ at_hash: await op.halfHash('other') }), /"at_hash" does not match/],
  ])('refuses a renewed ID token %s with AQ_ID_TOKEN_INVALID, a refusal (the user is signed out)', async (_name, body, message) => {
    answer(await body());
    const error = await refreshRecord(op.d, config, record).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(message) });
    expect(refused(error)).toBe(true);
  });
});
