// @vitest-environment node
// The hostile logout tokens of the OpenID back-channel RP certification tests
// (rp-backchannel-rpinitlogout-lt-*): each must be refused with 400 and must not sign anyone out.
import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogoutEvent } from './backchannel-logout.js';
import { BACKCHANNEL_LOGOUT_EVENT, createBackchannelLogoutHandler } from './backchannel-logout.js';
import type { StubOp } from './test-support/stub-op.js';
import { startStubOp } from './test-support/stub-op.js';

let op: StubOp;
beforeAll(async () => {
  op = await startStubOp({ clientId: 'rp', clientSecret: 's3cret', auth: 'client_secret_basic' });
});
afterAll(() => op.close());

const onLogout = vi.fn<(event: LogoutEvent) => void>();
let handler: (request: Request) => Promise<Response>;
beforeEach(() => {
  onLogout.mockReset();
  handler = createBackchannelLogoutHandler({ issuer: op.issuer, clientId: 'rp', onLogout });
});

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const base: Record<string, unknown> = {
    iss: op.issuer,
    aud: 'rp',
    iat: now,
    exp: now + 120,
    jti: randomBytes(8).toString('hex'),
    sub: 'alice',
    sid: 'sid-1',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base as JWTPayload;
}

function deliver(logoutToken: string, contentType = 'application/x-www-form-urlencoded'): Promise<Response> {
  return handler(new Request('http://localhost:5173/api/backchannel-logout', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new URLSearchParams({ logout_token: logoutToken }).toString(),
  }));
}

async function expectRejected(res: Response, reason: RegExp) {
  expect(res.status).toBe(400);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = await res.json();
  expect(body.error).toBe('invalid_request');
  expect(body.error_description).toMatch(reason);
  expect(onLogout).not.toHaveBeenCalled();
}

describe('createBackchannelLogoutHandler', () => {
  it('accepts a valid logout token: 200, no-store, onLogout({ sub, sid })', async () => {
    const res = await deliver(await op.sign(claims(), { typ: 'logout+jwt' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(onLogout).toHaveBeenCalledTimes(1);
    expect(onLogout.mock.calls[0]![0]).toMatchObject({ sub: 'alice', sid: 'sid-1' });
  });

  it('accepts a token with only sid, and one with only sub', async () => {
    expect((await deliver(await op.sign(claims({ sub: undefined })))).status).toBe(200);
    expect((await deliver(await op.sign(claims({ sid: undefined })))).status).toBe(200);
    expect(onLogout.mock.calls.map((c) => [c[0].sub, c[0].sid])).toEqual([[undefined, 'sid-1'], ['alice', undefined]]);
  });

  describe('refuses the hostile tokens of the back-channel RP tests', () => {
    it('alg none', async () => {
      await expectRejected(await deliver(new UnsecuredJWT(claims()).encode()), /alg|Unsecured|JWS/i);
    });

    it('events missing', async () => {
      await expectRejected(await deliver(await op.sign(claims({ events: undefined }))), /events/);
    });

    it('a wrong event', async () => {
      await expectRejected(await deliver(await op.sign(claims({ events: { 'http://schemas.openid.net/event/other': {} } }))), /events/);
    });

    it('the right event with a non-object value', async () => {
      await expectRejected(await deliver(await op.sign(claims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' } }))), /events/);
    });

    it('nonce present (an ID token is not a logout token)', async () => {
      await expectRejected(await deliver(await op.sign(claims({ nonce: 'n-1' }))), /nonce/);
    });

    it('a wrong alg: HS256 signed with the client secret', async () => {
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('s3cret'.padEnd(32, '!')));
      await expectRejected(await deliver(token), /alg/i);
    });

    it('a wrong aud', async () => {
      await expectRejected(await deliver(await op.sign(claims({ aud: 'another-client' }))), /aud/);
    });

    it('a wrong issuer', async () => {
      await expectRejected(await deliver(await op.sign(claims({ iss: 'https://evil.example' }))), /iss/);
    });

    it('neither sub nor sid', async () => {
      await expectRejected(await deliver(await op.sign(claims({ sub: undefined, sid: undefined }))), /"sub" or "sid"/);
    });

    it('a bad signature (another key under the OP kid)', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const realKid = JSON.parse(Buffer.from((await op.sign({})).split('.')[0]!, 'base64url').toString()).kid;
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: realKid }).sign(privateKey);
      await expectRejected(await deliver(token), /signature/);
    });

    it('a tampered payload', async () => {
      const [h, , s] = (await op.sign(claims())).split('.');
      const forged = Buffer.from(JSON.stringify(claims({ sub: 'bob' }))).toString('base64url');
      await expectRejected(await deliver(`${h}.${forged}.${s}`), /signature/);
    });
  });

  describe('refuses other invalid deliveries', () => {
    it('an iat far in the past', async () => {
      const old = Math.floor(Date.now() / 1000) - 3600;
      await expectRejected(await deliver(await op.sign(claims({ iat: old, exp: old + 7200 }))), /iat/);
    });

    it('an iat in the future', async () => {
      const later = Math.floor(Date.now() / 1000) + 3600;
      await expectRejected(await deliver(await op.sign(claims({ iat: later, exp: later + 120 }))), /iat/);
    });

    it('an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRejected(await deliver(await op.sign(claims({ iat: now - 100, exp: now - 60 }))), /exp/);
    });

    it('no jti', async () => {
      await expectRejected(await deliver(await op.sign(claims({ jti: undefined }))), /jti/);
    });

    it('a replayed token (same jti)', async () => {
      const token = await op.sign(claims());
      expect((await deliver(token)).status).toBe(200);
      onLogout.mockReset();
      await expectRejected(await deliver(token), /replayed/);
    });

    it('a JSON body instead of a form', async () => {
      await expectRejected(await deliver(await op.sign(claims()), 'application/json'), /x-www-form-urlencoded/);
    });

    it('no logout_token', async () => {
      const res = await handler(new Request('http://localhost/bcl', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'foo=bar' }));
      await expectRejected(res, /logout_token/);
    });

    it('a logout the app could not complete is 400 too', async () => {
      onLogout.mockImplementationOnce(() => {
        throw new Error('store down');
      });
      const res = await deliver(await op.sign(claims()));
      expect(res.status).toBe(400);
      expect((await res.json()).error_description).not.toMatch(/store down/);
    });
  });

  it('refuses a symmetric algorithm in its configuration', () => {
    expect(() => createBackchannelLogoutHandler({ issuer: op.issuer, clientId: 'rp', onLogout, algorithms: ['HS256'] })).toThrow(/asymmetric/);
  });
});
