// @vitest-environment node
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionStateDecision, verifyAccessToken, verifyActionState } from './action-state.js';
import { AqServerError } from './errors.js';
import type { StubOp } from './test-support/stub-op.js';
import { startStubOp } from './test-support/stub-op.js';

describe('actionStateDecision', () => {
  const cases: Array<[unknown, boolean]> = [
    ['CHALLENGE_SUCCEEDED', true],
    ['ALLOW', true],
    ['CHALLENGE_FAILED', false],
    ['BLOCK', false],
    ['CHALLENGE_REQUIRED', false],
    ['REVIEW_REQUIRED', false],
    ['allow', false],
    [true, false],
    [undefined, false],
  ];
  for (const [state, allow] of cases) {
    it(`${JSON.stringify(state) ?? 'missing'} -> ${allow ? 'allow' : 'deny'}`, () => {
      const claims = state === undefined ? { action: 'signIn' } : { action: 'signIn', action_state: state };
      expect(actionStateDecision(claims)).toEqual({
        allow,
        state: typeof state === 'string' ? state : undefined,
        action: 'signIn',
      });
    });
  }
});

describe('verifyAccessToken / verifyActionState', () => {
  let op: StubOp;
  beforeAll(async () => {
    op = await startStubOp({ clientId: 'rp', clientSecret: 's3cret', auth: 'client_secret_basic' });
  });
  afterAll(() => op.close());

  const at = (extra: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: op.issuer, aud: 'rp', sub: 'alice', iat: now, exp: now + 60, action: 'signIn', action_state: 'CHALLENGE_SUCCEEDED', ...extra };
  };

  it('verifies the OP-signed JWT and decides from it', async () => {
    const decision = await verifyActionState(await op.sign(at()), { issuer: op.issuer, audience: 'rp' });
    expect(decision).toMatchObject({ allow: true, state: 'CHALLENGE_SUCCEEDED', action: 'signIn' });
    expect(decision.claims.sub).toBe('alice');
    const denied = await verifyActionState(await op.sign(at({ action_state: 'CHALLENGE_FAILED' })), { issuer: op.issuer, audience: 'rp' });
    expect(denied).toMatchObject({ allow: false, state: 'CHALLENGE_FAILED' });
  });

  const bad: Array<[string, () => Promise<string>]> = [
    ['an opaque token', async () => 'opaque-token-value'],
    ['another aud', () => op.sign(at({ aud: 'other' }))],
    ['another iss', () => op.sign(at({ iss: 'https://evil.example' }))],
    ['an expired token', () => op.sign(at({ exp: 1000, iat: 900 }))],
    ['HS256', () => new SignJWT(at()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)))],
    ['a key that is not the OP\'s', async () => new SignJWT(at()).setProtectedHeader({ alg: 'RS256' }).sign((await generateKeyPair('RS256')).privateKey)],
  ];
  for (const [name, token] of bad) {
    it(`rejects ${name} with invalid_token`, async () => {
      const err = await verifyAccessToken(await token(), { issuer: op.issuer, audience: 'rp' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AqServerError);
      expect((err as AqServerError).code).toBe('invalid_token');
    });
  }
});
