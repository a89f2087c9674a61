// @vitest-environment node
import { randomBytes } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCodeHandler } from './code-handler.js';
import type { SignInResult } from './code-handler.js';
import type { StubOp } from './test-support/stub-op.js';
import { startStubOp } from './test-support/stub-op.js';

const REDIRECT = 'http://localhost:5173/backend.html';

let op: StubOp;
let postOp: StubOp;
beforeAll(async () => {
  op = await startStubOp({ clientId: 'rp', clientSecret: 's3cret', auth: 'client_secret_basic' });
  postOp = await startStubOp({ clientId: 'rp-post', clientSecret: 'p0st', auth: 'client_secret_post' });
});
afterAll(async () => {
  await op.close();
  await postOp.close();
});
beforeEach(() => {
  for (const o of [op, postOp]) {
    o.requests.length = 0;
    delete o.tamperIdToken;
    delete o.tamperUserinfo;
    delete o.tamperIdTokenJwt;
  }
});

function handoff(o: StubOp = op, overrides: Record<string, unknown> = {}) {
  const codeVerifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const code = o.issueCode({ sub: 'alice', nonce, codeVerifier, redirectUri: REDIRECT });
  return { code, state: 'st-1', iss: o.issuer, redirect_uri: REDIRECT, code_verifier: codeVerifier, nonce, ...overrides };
}

function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST'): Request {
  return new Request('http://localhost:5173/api/auth/code', {
    method,
    headers,
    ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

function handler(onSignIn?: Parameters<typeof createCodeHandler>[0]['onSignIn']) {
  return createCodeHandler({
    issuer: op.issuer,
    clientId: 'rp',
    clientSecret: 's3cret',
    clientAuth: 'client_secret_basic',
    allowedRedirectUris: [REDIRECT],
    ...(onSignIn ? { onSignIn } : {}),
  });
}

describe('createCodeHandler: happy paths', () => {
  it('exchanges the code (client_secret_basic + PKCE), fetches userinfo, answers { profile, ...hook }', async () => {
    let seen: SignInResult | undefined;
    const res = await handler(async (result) => {
      seen = result;
      return { session: 'created' };
    })(post(handoff()));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body.session).toBe('created');
    expect(body.profile).toMatchObject({ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', sid: 'sid-1' });
    expect(op.requests).toContain('POST /token');
    expect(op.requests).toContain('GET /me');
    expect(seen?.tokens.access_token).toBeTruthy();
    expect(seen?.claims.sub).toBe('alice');
    expect(seen?.userinfo).toMatchObject({ name: 'Alice Example' });
  });

  it('authenticates with client_secret_post', async () => {
    const h = createCodeHandler({ issuer: postOp.issuer, clientId: 'rp-post', clientSecret: 'p0st', clientAuth: 'client_secret_post' });
    const res = await h(post(handoff(postOp, { iss: postOp.issuer })));
    expect(res.status).toBe(200);
    expect((await res.json()).profile.sub).toBe('alice');
  });

  it('passes a Response from onSignIn through as is (e.g. a session cookie)', async () => {
    const res = await handler(() => new Response('{"ok":1}', { status: 201, headers: { 'set-cookie': 'sid=1; HttpOnly' } }))(post(handoff()));
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toBe('sid=1; HttpOnly');
  });

  it('accepts a handoff without iss (the OP does not send RFC 9207 iss)', async () => {
    const { iss: _iss, ...rest } = handoff();
    const res = await handler()(post(rest));
    expect(res.status).toBe(200);
  });
});

describe('createCodeHandler: bad requests are 400 and never reach the token endpoint', () => {
  const cases: Array<[string, () => Request]> = [
    ['a non-JSON content type', () => post(new URLSearchParams(handoff() as Record<string, string>).toString(), { 'content-type': 'application/x-www-form-urlencoded' })],
    ['malformed JSON', () => post('{"code":', { 'content-type': 'application/json' })],
    ['a JSON array', () => post([handoff()])],
    ['no code', () => post({ ...handoff(), code: undefined })],
    ['a numeric code', () => post({ ...handoff(), code: 42 })],
    ['an empty state', () => post({ ...handoff(), state: '' })],
    ['no nonce', () => post({ ...handoff(), nonce: undefined })],
    ['a code_verifier too short for RFC 7636', () => post({ ...handoff(), code_verifier: 'short' })],
    ['a code_verifier with illegal characters', () => post({ ...handoff(), code_verifier: `${'a'.repeat(43)} !` })],
    ['a relative redirect_uri', () => post({ ...handoff(), redirect_uri: '/backend.html' })],
    ['a redirect_uri not on the allow-list', () => post({ ...handoff(), redirect_uri: 'https://evil.example/cb' })],
    ['an iss of another OP (RFC 9207 mix-up)', () => post({ ...handoff(), iss: 'https://evil.example' })],
    ['a non-string id_token', () => post({ ...handoff(), id_token: {} })],
  ];
  for (const [name, request] of cases) {
    it(`refuses ${name}`, async () => {
      const res = await handler()(request());
      expect(res.status).toBe(400);
      expect((await res.json()).error).toBe('invalid_request');
      expect(op.requests).not.toContain('POST /token');
    });
  }

  it('answers 405 to GET', async () => {
    const res = await handler()(post(undefined, {}, 'GET'));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('createCodeHandler: OP failures are 502', () => {
  it('token_request_failed when the OP refuses the code (wrong secret)', async () => {
    const h = createCodeHandler({ issuer: op.issuer, clientId: 'rp', clientSecret: 'wrong', clientAuth: 'client_secret_basic' });
    const res = await h(post(handoff()));
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body.error).toBe('token_request_failed');
    expect(body.error_description).toMatch(/invalid_client/);
  });

  it('token_request_failed when the code_verifier is not the one of the code (PKCE)', async () => {
    const res = await handler()(post({ ...handoff(), code_verifier: randomBytes(32).toString('base64url') }));
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('token_request_failed');
  });

  it('id_token_invalid when the nonce differs', async () => {
    const res = await handler()(post({ ...handoff(), nonce: 'another-nonce' }));
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('id_token_invalid');
  });

  it('id_token_invalid when aud is another client', async () => {
    op.tamperIdToken = (c) => ({ ...c, aud: 'someone-else' });
    const res = await handler()(post(handoff()));
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('id_token_invalid');
  });

  it('id_token_invalid when the ID token is signed by a key that is not the OP\'s (same kid)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    op.tamperIdTokenJwt = async (jwt, claims) => {
      const header = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString());
      return new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
    };
    const res = await handler()(post(handoff()));
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('id_token_invalid');
  });

  it('id_token_invalid when the ID token is expired', async () => {
    op.tamperIdToken = (c) => ({ ...c, iat: 1000, exp: 2000 });
    const res = await handler()(post(handoff()));
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('id_token_invalid');
  });

  it('userinfo_failed when userinfo names another sub', async () => {
    op.tamperUserinfo = (c) => ({ ...c, sub: 'mallory' });
    const onSignIn = vi.fn();
    const res = await handler(onSignIn)(post(handoff()));
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('userinfo_failed');
    expect(onSignIn).not.toHaveBeenCalled();
  });

  it('discovery_failed when the OP is not there', async () => {
    const h = createCodeHandler({ issuer: 'http://localhost:9', clientId: 'rp', clientSecret: 's', clientAuth: 'client_secret_basic' });
    const res = await h(post(handoff()));
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('discovery_failed');
  });

  it('server_error (500) when the hook throws', async () => {
    const res = await handler(() => {
      throw new Error('db down');
    })(post(handoff()));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error).toBe('server_error');
    expect(body.error_description).not.toMatch(/db down/);
  });
});

describe('createCodeHandler: configuration', () => {
  it('throws at once on a bad issuer or clientAuth', () => {
    expect(() => createCodeHandler({ issuer: 'http://op.example', clientId: 'a', clientSecret: 'b', clientAuth: 'client_secret_basic' })).toThrow(/https/);
    expect(() => createCodeHandler({ issuer: 'https://op.example', clientId: 'a', clientSecret: 'b', clientAuth: 'none' as 'client_secret_post' })).toThrow(/clientAuth/);
  });
});
