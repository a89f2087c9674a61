// @vitest-environment node
// createCodeHandler's `idTokenSignedResponseAlg: 'none'` (Authentiq's unsigned token-endpoint ID
// tokens, OIDC Core §3.1.3.7 item 6) against the stub OP: accepted only from the token endpoint
// and only with the option, every claim check still applied.
import { createHash, randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { UnsecuredJWT, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CodeHandlerOptions, SignInResult } from './code-handler.js';
import { createCodeHandler } from './code-handler.js';
import { clearIssuerCache } from './issuer.js';
import type { StubOp } from './test-support/stub-op.js';
import { startStubOp } from './test-support/stub-op.js';

const REDIRECT = 'http://localhost:5173/backend.html';

let op: StubOp;
beforeAll(async () => {
  op = await startStubOp({ clientId: 'rp', clientSecret: 's3cret', auth: 'client_secret_basic' });
});
afterAll(() => op.close());
beforeEach(() => {
  clearIssuerCache(); // each test's discovery document is the one it set up
  op.requests.length = 0;
  op.unsignedIdToken = true;
  delete op.tamperIdToken;
  delete op.tamperIdTokenJwt;
  delete op.tamperUserinfo;
  delete op.tamperDiscovery;
});

function handoff(overrides: Record<string, unknown> = {}) {
  const codeVerifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const code = op.issueCode({ sub: 'alice', nonce, codeVerifier, redirectUri: REDIRECT });
  return { code, state: 'st-1', iss: op.issuer, redirect_uri: REDIRECT, code_verifier: codeVerifier, nonce, ...overrides };
}

function post(body: unknown): Request {
  return new Request('http://localhost:5173/api/auth/code', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function options(extra: Partial<CodeHandlerOptions> = {}): CodeHandlerOptions {
  return { issuer: op.issuer, clientId: 'rp', clientSecret: 's3cret', clientAuth: 'client_secret_basic', allowedRedirectUris: [REDIRECT], ...extra };
}
/** With the option, as a client registered at the OP with id_token_signed_response_alg "none". */
const handler = (extra: Partial<CodeHandlerOptions> = {}) => createCodeHandler(options({ idTokenSignedResponseAlg: 'none', ...extra }));
/** The same client without the option. */
const plainHandler = () => createCodeHandler(options());

const listsNone = (doc: Record<string, unknown>) => ({ ...doc, id_token_signing_alg_values_supported: ['RS256', 'none'] });

async function expectError(res: Response, status: number, error: string) {
  const body = await res.json();
  expect({ status: res.status, error: body.error }, body.error_description).toEqual({ status, error });
  return body as { error: string; error_description: string };
}

// OIDC Core §3.3.2.11: c_hash is the left half of the SHA-256 of the code, base64url.
const cHash = (code: string) => createHash('sha256').update(code).digest().subarray(0, 16).toString('base64url');

/** A hybrid hand-off: the front-channel ID token for its code, signed by the OP or unsigned. */
async function hybridHandoff(signed: boolean) {
  const h = handoff();
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = { iss: op.issuer, aud: 'rp', sub: 'alice', nonce: h.nonce, c_hash: cHash(h.code), iat: now, exp: now + 300 };
  const idToken = signed ? await op.sign(claims) : new UnsecuredJWT(claims).encode();
  return { ...h, id_token: idToken };
}

describe('idTokenSignedResponseAlg "none": the token endpoint\'s unsigned ID token', () => {
  it('is accepted with the option: claims, userinfo and tokens reach onSignIn', async () => {
    let seen: SignInResult | undefined;
    const res = await handler({ onSignIn: (r) => { seen = r; } })(post(handoff()));
    expect(res.status).toBe(200);
    expect((await res.json()).profile).toMatchObject({ sub: 'alice', email: 'alice@example.com', name: 'Alice Example' });
    expect(decodeProtectedHeader(seen!.tokens.id_token!).alg).toBe('none');
    expect(seen?.claims).toMatchObject({ iss: op.issuer, aud: 'rp', sub: 'alice' });
    expect(op.requests).toEqual(expect.arrayContaining(['POST /token', 'GET /me']));
  });

  it('is refused without the option', async () => {
    const res = await plainHandler()(post(handoff()));
    await expectError(res, 502, 'id_token_invalid');
    expect(op.requests).toContain('POST /token');
  });

  it('is refused without the option even when the OP\'s metadata lists "none"', async () => {
    op.tamperDiscovery = listsNone;
    const res = await plainHandler()(post(handoff()));
    await expectError(res, 502, 'id_token_invalid');
    expect(op.requests).toContain('GET /.well-known/openid-configuration');
  });

  it('is pinned: with the option a signed token-endpoint ID token is refused', async () => {
    op.unsignedIdToken = false;
    const res = await handler()(post(handoff()));
    await expectError(res, 502, 'id_token_invalid');
  });

});

describe('idTokenSignedResponseAlg "none": every claim check still applies to the unsigned token', () => {
  // Each refusal must be for its claim, not for the alg (without the fix every one of these
  // tokens would be refused for being unsigned): the third column is the claim the OP's
  // error_description has to name.
  const tampered: Array<[string, (c: JWTPayload) => JWTPayload, RegExp]> = [
    ['iss of another OP', (c) => ({ ...c, iss: 'https://evil.example' }), /"iss"/],
    ['aud of another client', (c) => ({ ...c, aud: 'someone-else' }), /"aud"/],
    ['several audiences and no azp', (c) => ({ ...c, aud: ['rp', 'someone-else'] }), /"aud"/],
    ['several audiences and azp of another client', (c) => ({ ...c, aud: ['rp', 'someone-else'], azp: 'someone-else' }), /"azp"/],
    ['an expired token', (c) => ({ ...c, iat: 1000, exp: 2000 }), /"exp"/],
    ['no iat', ({ iat: _iat, ...c }) => c, /"iat"/],
    ['no exp', ({ exp: _exp, ...c }) => c, /"exp"/],
    ['no sub', ({ sub: _sub, ...c }) => c, /"sub"/],
    ['a nonce of another sign-in', (c) => ({ ...c, nonce: 'another-nonce' }), /"nonce"/],
    ['no nonce', ({ nonce: _nonce, ...c }) => c, /"nonce"/],
    ['a non-numeric auth_time', (c) => ({ ...c, auth_time: 'yesterday' }), /"auth_time"/],
  ];
  for (const [name, tamper, claim] of tampered) {
    it(`refuses ${name}`, async () => {
      op.tamperIdToken = tamper;
      const onSignIn = vi.fn();
      const res = await handler({ onSignIn })(post(handoff()));
      const body = await expectError(res, 502, 'id_token_invalid');
      expect(body.error_description).toMatch(claim);
      expect(onSignIn).not.toHaveBeenCalled();
    });
  }

  it('accepts several audiences when azp is this client (the control of the two azp cases)', async () => {
    op.tamperIdToken = (c) => ({ ...c, aud: ['rp', 'someone-else'], azp: 'rp' });
    const res = await handler()(post(handoff()));
    expect(res.status).toBe(200);
  });

  it('refuses a userinfo answer about another sub', async () => {
    op.tamperUserinfo = (c) => ({ ...c, sub: 'mallory' });
    const onSignIn = vi.fn();
    const res = await handler({ onSignIn })(post(handoff()));
    await expectError(res, 502, 'userinfo_failed');
    expect(onSignIn).not.toHaveBeenCalled();
  });
});

describe('idTokenSignedResponseAlg "none": the front channel must stay signed', () => {
  it('accepts a hybrid hand-off whose front-channel ID token is signed (the control)', async () => {
    const res = await handler()(post(await hybridHandoff(true)));
    expect(res.status).toBe(200);
  });

  it('refuses an unsigned front-channel ID token even with the option, before the token endpoint', async () => {
    const res = await handler()(post(await hybridHandoff(false)));
    await expectError(res, 400, 'invalid_request');
    expect(op.requests).not.toContain('POST /token');
  });

  it('refuses it also when the OP\'s metadata lists "none"', async () => {
    op.tamperDiscovery = listsNone;
    const res = await handler()(post(await hybridHandoff(false)));
    await expectError(res, 400, 'invalid_request');
    expect(op.requests).not.toContain('POST /token');
  });
});

describe('idTokenSignedResponseAlg: configuration', () => {
  it('throws at once on anything but "none"', () => {
    expect(() => handler({ idTokenSignedResponseAlg: 'RS256' as 'none' })).toThrow(/idTokenSignedResponseAlg/);
  });
});
