// @vitest-environment node
// (happy-dom's URL.parse returns a URL that is not an instance of its own URL, which oauth4webapi checks.)
import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestOp } from './test-support/signer.js';
import { ISSUER, RP, testOp } from './test-support/signer.js';
import { exchangeCode, fetchUserinfo } from './token.js';
import type { Transaction } from './transaction.js';

let op: TestOp;
beforeAll(async () => {
  op = await testOp();
});

const tx = { state: 's', nonce: 'n', codeVerifier: 'v', redirectUri: 'https://rp.example/' } as Transaction;
// The parameters of a response oauth4webapi has checked: the only kind its code exchange takes.
const callback = () => oauth.validateAuthResponse({ issuer: ISSUER }, { client_id: 'app' }, new URLSearchParams('code=CODE&state=s'), 's');

function answer(status: number, body: unknown) {
  const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' } }),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe('exchangeCode', () => {
  it('posts the code with the PKCE verifier as a public client', async () => {
    const fetch = answer(400, { error: 'invalid_grant' });
    await exchangeCode(op.d, RP, callback(), tx).catch(() => {});
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${ISSUER}/token`);
    expect(init?.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(init?.body as URLSearchParams))).toEqual({
      grant_type: 'authorization_code', code: 'CODE', redirect_uri: 'https://rp.example/', code_verifier: 'v', client_id: 'app',
    });
  });

  it('accepts a signed ID token for this request, with its at_hash', async () => {
    answer(200, { access_token: 'AT', token_type: 'Bearer', id_token: await op.idToken({ at_hash: await op.halfHash('AT') }) });
    await expect(exchangeCode(op.d, RP, callback(), tx)).resolves.toMatchObject({ accessToken: 'AT', claims: { sub: 'alice' } });
  });

  it.each<[string, number, unknown, RegExp]>([
    ["the OP's error and description", 400, { error: 'invalid_grant', error_description: 'code used' }, /"invalid_grant": code used/],
    ['an HTTP error without a JSON error', 502, '<html>bad gateway</html>', /token request to https:\/\/op.example\/token: .*content-type|status/],
    ['no access token', 200, { token_type: 'Bearer', id_token: 'x.y.z' }, /"access_token"/],
    ['no ID token', 200, { access_token: 'at', token_type: 'Bearer' }, /"id_token"/],
  ])('refuses %s with AQ_TOKEN_REQUEST_FAILED', async (_name, status, body, message) => {
    answer(status, body);
    await expect(exchangeCode(op.d, RP, callback(), tx)).rejects.toMatchObject({ code: 'AQ_TOKEN_REQUEST_FAILED', message: expect.stringMatching(message) });
  });

  it('refuses a DPoP token this client cannot use', async () => {
    answer(200, { access_token: 'at', token_type: 'DPoP', id_token: await op.idToken() });
    await expect(exchangeCode(op.d, RP, callback(), tx)).rejects.toMatchObject({ code: 'AQ_TOKEN_REQUEST_FAILED', message: expect.stringMatching(/"token_type" "dpop"/) });
  });

  it('keeps the error code apart for the page', async () => {
    answer(400, { error: 'invalid_grant', error_description: 'code used' });
    await expect(exchangeCode(op.d, RP, callback(), tx)).rejects.toMatchObject({ error: 'invalid_grant', errorDescription: 'code used' });
  });

  it('refuses an ID token whose auth_time is older than max-age, naming auth_time', async () => {
    const now = Math.floor(Date.now() / 1000);
    answer(200, { access_token: 'AT', token_type: 'Bearer', id_token: await op.idToken({ auth_time: now - 3600 }) });
    await expect(exchangeCode(op.d, RP, callback(), { ...tx, maxAge: 60 })).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(/"auth_time"/) });
  });

  it.each<[string, () => Promise<Record<string, unknown>>, RegExp]>([
    ['not a JWS', async () => ({ id_token: 'not-a-jws' }), /JWT/],
    ['signed by another key', async () => ({ id_token: await op.idToken({}, 'attacker') }), /signature/],
    ['for another request', async () => ({ id_token: await op.idToken({ nonce: 'other' }) }), /"nonce"/],
    ['issued in the future', async () => ({ id_token: await op.idToken({ iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 }) }), /"iat" is in the future/],
    ['with an at_hash of another access token', async () => ({ id_token: await op.idToken({ at_hash: await op.halfHash('other') }) }), /"at_hash" does not match/],
  ])('refuses an ID token %s with AQ_ID_TOKEN_INVALID', async (_name, body, message) => {
    answer(200, { access_token: 'AT', token_type: 'Bearer', ...(await body()) });
    await expect(exchangeCode(op.d, RP, callback(), tx)).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(message) });
  });
});

// Issue 13, finding 16: the code flow's checks read the same clock (see front-channel.test.ts).
describe('exchangeCode and the clock', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const tokens = async (claims: Record<string, unknown>) => {
    const idToken = await op.idToken({ at_hash: await op.halfHash('AT'), ...claims });
    return () => answer(200, { access_token: 'AT', token_type: 'Bearer', id_token: idToken });
  };

  it('refuses an iat 2 min ahead by default, takes it with clockSkew 120 or clockTolerance 150', async () => {
    const respond = await tokens({ iat: now() + 120, exp: now() + 420 });
    respond();
    await expect(exchangeCode(op.d, RP, callback(), tx)).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(/"iat" is in the future/) });
    respond();
    await expect(exchangeCode(op.d, { ...RP, clockSkew: 120 }, callback(), tx)).resolves.toMatchObject({ claims: { sub: 'alice' } });
    respond();
    await expect(exchangeCode(op.d, { ...RP, clockTolerance: 150 }, callback(), tx)).resolves.toMatchObject({ claims: { sub: 'alice' } });
    respond();
    await expect(exchangeCode(op.d, { ...RP, clockSkew: -120 }, callback(), tx)).rejects.toMatchObject({ message: expect.stringMatching(/"iat" is in the future/) });
  });

  it("gives oauth4webapi's exp check the same clock", async () => {
    const respond = await tokens({ iat: now() - 360, exp: now() - 60 });
    respond();
    await expect(exchangeCode(op.d, RP, callback(), tx)).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID', message: expect.stringMatching(/"exp"/) });
    respond();
    await expect(exchangeCode(op.d, { ...RP, clockSkew: -120 }, callback(), tx)).resolves.toMatchObject({ claims: { sub: 'alice' } });
    respond();
    await expect(exchangeCode(op.d, { ...RP, clockTolerance: 90 }, callback(), tx)).resolves.toMatchObject({ claims: { sub: 'alice' } });
  });

  it('still refuses an iat an hour ahead with those settings', async () => {
    const respond = await tokens({ iat: now() + 3600, exp: now() + 7200 });
    for (const rp of [RP, { ...RP, clockSkew: 120 }, { ...RP, clockTolerance: 150 }]) {
      respond();
      await expect(exchangeCode(op.d, rp, callback(), tx)).rejects.toMatchObject({ message: expect.stringMatching(/"iat" is in the future/) });
    }
  });
});

describe('fetchUserinfo', () => {
  it('sends the access token and returns the claims of the same subject', async () => {
    const fetch = answer(200, { sub: 'alice', email: 'a@example.com' });
    await expect(fetchUserinfo(op.d, RP, 'AT', 'alice')).resolves.toEqual({ sub: 'alice', email: 'a@example.com' });
    expect(new Headers(fetch.mock.calls[0][1]?.headers).get('authorization')).toBe('Bearer AT');
  });

  it('takes a signed answer only when the OP signed it', async () => {
    const d = { ...op.d, as: { ...op.d.as, userinfo_signing_alg_values_supported: ['RS256'] } };
    const jwt = (key: 'published' | 'attacker') => op.idToken({ email: 'a@example.com', nonce: undefined }, key);
    const signed = async (key: 'published' | 'attacker') =>
      vi.stubGlobal('fetch', vi.fn(async () => new Response(await jwt(key), { headers: { 'content-type': 'application/jwt' } })));
    await signed('published');
    await expect(fetchUserinfo(d, RP, 'AT', 'alice')).resolves.toMatchObject({ sub: 'alice', email: 'a@example.com' });
    await signed('attacker');
    await expect(fetchUserinfo(d, RP, 'AT', 'alice')).rejects.toMatchObject({ code: 'AQ_USERINFO_FAILED', message: expect.stringMatching(/signature/) });
  });

  it.each<[string, number, unknown, RegExp]>([
    ['another subject', 200, { sub: 'mallory' }, /"sub"/],
    ['an HTTP error', 500, { error: 'server_error' }, /status/],
  ])('refuses %s with AQ_USERINFO_FAILED', async (_name, status, body, message) => {
    answer(status, body);
    await expect(fetchUserinfo(op.d, RP, 'AT', 'alice')).rejects.toMatchObject({ code: 'AQ_USERINFO_FAILED', message: expect.stringMatching(message) });
  });
});

describe('DPoP (RFC 9449)', () => {
  const handle = async () => oauth.DPoP({}, (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair);
  const proof = (init?: RequestInit) => JSON.parse(Buffer.from(new Headers(init?.headers).get('dpop')!.split('.')[1], 'base64url').toString());
  /** Answers in turn: a use_dpop_nonce challenge first when `nonce`, then `last`. */
  function answers(last: () => Promise<Response>, nonce?: { status: number; header: Record<string, string>; body?: unknown }) {
    let n = 0;
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      nonce && n++ === 0
        ? new Response(nonce.body ? JSON.stringify(nonce.body) : null, { status: nonce.status, headers: { 'content-type': 'application/json', ...nonce.header } })
        : last(),
    );
    vi.stubGlobal('fetch', fetch);
    return fetch;
  }
  const tokens = async (tokenType: string) => new Response(JSON.stringify({ access_token: 'AT', token_type: tokenType, id_token: await op.idToken({ at_hash: await op.halfHash('AT') }) }), { headers: { 'content-type': 'application/json' } });

  it('sends a proof with the code and takes the DPoP token', async () => {
    const fetch = answers(() => tokens('DPoP'));
    await expect(exchangeCode(op.d, RP, callback(), tx, await handle())).resolves.toMatchObject({ accessToken: 'AT', tokenType: 'dpop' });
    expect(proof(fetch.mock.calls[0][1])).toMatchObject({ htm: 'POST', htu: `${ISSUER}/token` });
  });

  it('takes a Bearer token from an OP that ignored the proof, unless DPoP is required', async () => {
    answers(() => tokens('Bearer'));
    await expect(exchangeCode(op.d, RP, callback(), tx, await handle())).resolves.toMatchObject({ tokenType: 'bearer' });
    await expect(exchangeCode(op.d, RP, callback(), tx, await handle(), true)).rejects.toMatchObject({ code: 'AQ_TOKEN_REQUEST_FAILED', message: expect.stringMatching(/"token_type" "bearer", expected "DPoP"$/) });
  });

  it('sends the token request once more with the nonce the OP asks for, and only once', async () => {
    const challenge = { status: 400, header: { 'dpop-nonce': 'N1' }, body: { error: 'use_dpop_nonce' } };
    const fetch = answers(() => tokens('DPoP'), challenge);
    await expect(exchangeCode(op.d, RP, callback(), tx, await handle())).resolves.toMatchObject({ tokenType: 'dpop' });
    expect(fetch.mock.calls.map(([, init]) => proof(init).nonce)).toEqual([undefined, 'N1']);

    const always = vi.fn(async () => new Response(JSON.stringify(challenge.body), { status: 400, headers: { 'content-type': 'application/json', ...challenge.header } }));
    vi.stubGlobal('fetch', always);
    await expect(exchangeCode(op.d, RP, callback(), tx, await handle())).rejects.toMatchObject({ code: 'AQ_TOKEN_REQUEST_FAILED', error: 'use_dpop_nonce' });
    expect(always).toHaveBeenCalledTimes(2);
  });

  it('userinfo: the DPoP scheme with a proof of the token (ath), once more on a nonce challenge', async () => {
    const challenge = { status: 401, header: { 'dpop-nonce': 'N2', 'www-authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"' } };
    const fetch = answers(async () => new Response(JSON.stringify({ sub: 'alice' }), { headers: { 'content-type': 'application/json' } }), challenge);
    await expect(fetchUserinfo(op.d, RP, 'AT', 'alice', await handle())).resolves.toEqual({ sub: 'alice' });
    const [, second] = fetch.mock.calls[1];
    expect(new Headers(second?.headers).get('authorization')).toBe('DPoP AT');
    expect(proof(second)).toMatchObject({ htm: 'GET', htu: `${ISSUER}/me`, nonce: 'N2', ath: createHash('sha256').update('AT').digest('base64url') });
  });
});
