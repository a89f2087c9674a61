import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Discovered } from './discovery.js';
import { exchangeCode, fetchUserinfo } from './token.js';
import type { Transaction } from './transaction.js';

const ISSUER = 'https://op.example';
const d: Discovered = {
  as: { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks`, userinfo_endpoint: `${ISSUER}/me` },
  jwks: { keys: [] },
  fetchedAt: 0,
};
const tx = { state: 's', nonce: 'n', codeVerifier: 'v', redirectUri: 'https://rp.example/' } as Transaction;

function answer(status: number, body: unknown) {
  const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe('exchangeCode', () => {
  it('posts the code with the PKCE verifier as a public client', async () => {
    const fetch = answer(400, { error: 'invalid_grant' });
    await exchangeCode(d, 'app', tx, 'CODE').catch(() => {});
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${ISSUER}/token`);
    expect(init?.method).toBe('POST');
    expect(Object.fromEntries(init?.body as URLSearchParams)).toEqual({
      grant_type: 'authorization_code', code: 'CODE', redirect_uri: 'https://rp.example/', code_verifier: 'v', client_id: 'app',
    });
  });

  it.each<[string, number, unknown, RegExp]>([
    ["the OP's error and description", 400, { error: 'invalid_grant', error_description: 'code used' }, /refused the code: invalid_grant \(code used\)/],
    ['an HTTP error without a JSON error', 502, '<html>bad gateway</html>', /answered HTTP 502/],
    ['an answer that is not an object', 200, '[]', /not a JSON object/],
    ['no access token', 200, { token_type: 'Bearer', id_token: 'x.y.z' }, /no "access_token"/],
    ['no ID token', 200, { access_token: 'at', token_type: 'Bearer' }, /no "id_token"/],
    ['a DPoP token this client cannot use', 200, { access_token: 'at', token_type: 'DPoP', id_token: 'x.y.z' }, /"token_type" "DPoP"/],
  ])('refuses %s with AQ_TOKEN_REQUEST_FAILED', async (_name, status, body, message) => {
    answer(status, body);
    await expect(exchangeCode(d, 'app', tx, 'CODE')).rejects.toMatchObject({ code: 'AQ_TOKEN_REQUEST_FAILED', message: expect.stringMatching(message) });
  });

  it('keeps the error code apart for the page', async () => {
    answer(400, { error: 'invalid_grant', error_description: 'code used' });
    await expect(exchangeCode(d, 'app', tx, 'CODE')).rejects.toMatchObject({ error: 'invalid_grant', errorDescription: 'code used' });
  });

  it('checks the ID token of a well-formed answer', async () => {
    answer(200, { access_token: 'at', token_type: 'bearer', id_token: 'not-a-jws' });
    await expect(exchangeCode(d, 'app', tx, 'CODE')).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID' });
  });
});

describe('fetchUserinfo', () => {
  it('sends the access token and returns the claims of the same subject', async () => {
    const fetch = answer(200, { sub: 'alice', email: 'a@example.com' });
    await expect(fetchUserinfo(d, 'AT', 'alice')).resolves.toEqual({ sub: 'alice', email: 'a@example.com' });
    expect(new Headers(fetch.mock.calls[0][1]?.headers).get('authorization')).toBe('Bearer AT');
  });

  it.each<[string, number, unknown, RegExp]>([
    ['another subject', 200, { sub: 'mallory' }, /"sub" "mallory" is not the ID token's "alice"/],
    ['a signed (JWT) answer', 200, 'eyJ.eyJ.sig', /not a JSON object/],
    ['an HTTP error', 401, { error: 'invalid_token' }, /HTTP 401/],
  ])('refuses %s with AQ_USERINFO_FAILED', async (_name, status, body, message) => {
    answer(status, body);
    await expect(fetchUserinfo(d, 'AT', 'alice')).rejects.toMatchObject({ code: 'AQ_USERINFO_FAILED', message: expect.stringMatching(message) });
  });
});
