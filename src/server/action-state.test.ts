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
    const decision = await verifyActionState(await op.sign(at()), { issuer: op.issuer, audience: 'rp', expectedAction: 'signIn' });
    expect(decision).toMatchObject({ allow: true, state: 'CHALLENGE_SUCCEEDED', action: 'signIn' });
    expect(decision.claims.sub).toBe('alice');
    const denied = await verifyActionState(await op.sign(at({ action_state: 'CHALLENGE_FAILED' })), { issuer: op.issuer, audience: 'rp', expectedAction: 'signIn' });
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

  const options = () => ({ issuer: op.issuer, audience: 'rp', expectedAction: 'signIn', subject: 'alice', maxTokenAge: 300 });

  it('accepts a token that fits every option, typed at+jwt, application/at+jwt, JWT or untyped', async () => {
    for (const typ of ['at+jwt', 'application/at+jwt', 'JWT', undefined]) {
      const decision = await verifyActionState(await op.sign(at(), typ ? { typ } : {}), options());
      expect(decision.allow, String(typ)).toBe(true);
    }
  });

  const old = Math.floor(Date.now() / 1000) - 3600;
  const notForThis: Array<[string, () => Promise<string>]> = [
    ['an ID token (nonce, at_hash; typ JWT)', () => op.sign(at({ nonce: 'n', at_hash: 'h' }), { typ: 'JWT' })],
    ['an ID token (untyped, at_hash only)', () => op.sign(at({ at_hash: 'h' }))],
    ['a token typed id_token+jwt', () => op.sign(at(), { typ: 'id_token+jwt' })],
    ['a token typed logout+jwt', () => op.sign(at(), { typ: 'logout+jwt' })],
    ['a token for another action', () => op.sign(at({ action: 'withdraw' }))],
    ['a token without an action', () => op.sign(at({ action: undefined }))],
    ['a token for another client (aud)', () => op.sign(at({ aud: 'other-client' }))],
    ['a token for another user (sub)', () => op.sign(at({ sub: 'mallory' }))],
    ['a token issued an hour ago', () => op.sign(at({ iat: old, exp: old + 7200 }))],
    ['a token without iat when maxTokenAge is set', () => op.sign(at({ iat: undefined }))],
  ];
  for (const [name, token] of notForThis) {
    it(`verifyActionState rejects ${name} with invalid_token (not allow: false)`, async () => {
      const err = await verifyActionState(await token(), options()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AqServerError);
      expect((err as AqServerError).code).toBe('invalid_token');
    });
  }

  it('throws TypeError at once for missing or bad options', () => {
    const base = { issuer: op.issuer, audience: 'rp', expectedAction: 'signIn' };
    const bad: unknown[] = [
      { ...base, audience: undefined },
      { ...base, audience: '' },
      { ...base, expectedAction: undefined },
      { ...base, subject: '' },
      { ...base, maxTokenAge: '5m' },
      { ...base, maxTokenAge: -1 },
      { ...base, issuer: 'http://op.example' },
    ];
    for (const o of bad) {
      expect(() => verifyActionState('a.b.c', o as Parameters<typeof verifyActionState>[1]), JSON.stringify(o)).toThrow(TypeError);
    }
    expect(() => verifyAccessToken('a.b.c', { issuer: op.issuer } as Parameters<typeof verifyAccessToken>[1])).toThrow(TypeError);
  });
});
