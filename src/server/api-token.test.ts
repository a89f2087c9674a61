// @vitest-environment node
import { createHash, randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { JWK, JWTPayload } from 'jose';
import { SignJWT, calculateJwkThumbprint, exportJWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiTokenVerifier } from './api-token.js';
import type { ApiTokenVerifierOptions } from './api-token.js';
import { AqServerError } from './errors.js';
import { clearIssuerCache } from './issuer.js';
import { memoryReplayStore } from './replay-store.js';
import type { StubOp } from './test-support/stub-op.js';
import { startStubOp } from './test-support/stub-op.js';

const API = 'https://api.example.com/me';
const AUDIENCE = 'https://api.example.com';

let op: StubOp;
let key: CryptoKeyPair;
let jwk: JWK;
let jkt: string;

async function ecKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

beforeAll(async () => {
  op = await startStubOp({ clientId: 'api-client', clientSecret: 's', auth: 'client_secret_basic' });
  key = await ecKeyPair();
  jwk = await exportJWK(key.publicKey);
  jkt = await calculateJwkThumbprint(jwk, 'sha256');
});
afterAll(() => op.close());
beforeEach(() => clearIssuerCache());

const now = () => Math.floor(Date.now() / 1000);

/** An RFC 9068 access token from the stub OP. */
function accessToken(claims: JWTPayload = {}, header: Record<string, unknown> = { typ: 'at+jwt' }): Promise<string> {
  return op.sign({
    iss: op.issuer, aud: AUDIENCE, sub: 'alice', client_id: 'spa', scope: 'openid api', jti: randomUUID(),
    iat: now(), exp: now() + 300, ...claims,
  }, header);
}
const boundToken = (claims: JWTPayload = {}) => accessToken({ cnf: { jkt }, ...claims });

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

interface ProofParts {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  pair?: CryptoKeyPair;
  publicJwk?: JWK;
}

/** A DPoP proof for GET API with the access token's ath, each part overridable. */
async function proof(token: string, { header = {}, claims = {}, pair = key, publicJwk }: ProofParts = {}): Promise<string> {
  const embedded = publicJwk ?? (pair === key ? jwk : await exportJWK(pair.publicKey));
  return new SignJWT({ htm: 'GET', htu: API, iat: now(), jti: randomUUID(), ath: ath(token), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: embedded, ...header })
    .sign(pair.privateKey);
}

function request(headers: Record<string, string>, url = API, method = 'GET'): Request {
  return new Request(url, { method, headers });
}

const dpopRequest = async (token: string, parts?: ProofParts) =>
  request({ authorization: `DPoP ${token}`, dpop: await proof(token, parts) });

function verifier(extra: Partial<ApiTokenVerifierOptions> = {}) {
  return createApiTokenVerifier({ issuer: op.issuer, audience: AUDIENCE, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<AqServerError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AqServerError);
  return err as AqServerError;
}

describe('createApiTokenVerifier: DPoP', () => {
  it('accepts a bound token with a proof of its key, made with oauth4webapi DPoP()', async () => {
    const token = await boundToken();
    const v = verifier();
    let result: unknown;
    // oauth4webapi's own resource request, its fetch answered by the verifier.
    await oauth.protectedResourceRequest(token, 'GET', new URL(`${API}?q=1`), new Headers(), null, {
      DPoP: oauth.DPoP({}, key),
      [oauth.customFetch]: async (url, init) => {
        result = await v.verify(new Request(url, { method: init.method, headers: init.headers }));
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      },
    });
    expect(result).toMatchObject({ tokenType: 'DPoP', jkt, claims: { sub: 'alice', aud: AUDIENCE } });
  });

  it('refuses a replayed proof (same jti), and answers invalid_dpop_proof', async () => {
    const v = verifier();
    const token = await boundToken();
    const req = await dpopRequest(token);
    await v.verify(req.clone());
    const err = await failure(v.verify(req));
    expect(err.code).toBe('invalid_dpop_proof');
    expect(err.message).toMatch(/used before/);
    const answer = v.errorResponse(err, req);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/DPoP error="invalid_dpop_proof", error_description="DPoP proof rejected: 'jti'/);
    expect(await answer.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('shares jtis through the replay store: another verifier with the same store refuses the replay', async () => {
    const replayStore = memoryReplayStore();
    const token = await boundToken();
    const req = await dpopRequest(token);
    await verifier({ replayStore }).verify(req.clone());
    expect((await failure(verifier({ replayStore }).verify(req))).code).toBe('invalid_dpop_proof');
  });

  it('refuses a request whose replay store cannot answer with 503, never accepts it', async () => {
    const replayStore = { claim: () => Promise.reject(new Error('redis down')) };
    const err = await failure(verifier({ replayStore }).verify(await dpopRequest(await boundToken())));
    expect([err.code, err.status]).toEqual(['server_error', 503]);
    expect(await verifier().errorResponse(err).text()).not.toMatch(/redis down/);
  });

  it('refuses a proof signed by another key than the token is bound to', async () => {
    const token = await boundToken();
    const err = await failure(verifier().verify(await dpopRequest(token, { pair: await ecKeyPair() })));
    expect(err.code).toBe('invalid_dpop_proof');
    expect(err.message).toMatch(/bound to/);
  });

  it('refuses a proof whose signature does not match its embedded key', async () => {
    const token = await boundToken();
    const err = await failure(verifier().verify(await dpopRequest(token, { pair: await ecKeyPair(), publicJwk: jwk })));
    expect(err.code).toBe('invalid_dpop_proof');
    expect(err.message).toMatch(/signature/);
  });

  it.each([
    ['typ other than dpop+jwt', { header: { typ: 'JWT' } }, /typ/],
    ['htm of another method', { claims: { htm: 'POST' } }, /"htm"/],
    ['htu of another URL', { claims: { htu: 'https://api.example.com/other' } }, /"htu"/],
    ['htu of another origin', { claims: { htu: 'https://evil.example/me' } }, /"htu"/],
    ['htu that is no URL', { claims: { htu: 'me' } }, /"htu"/],
    ['iat too old', { claims: { iat: now() - 120 } }, /"iat" is \d+ s old/],
    ['iat in the future', { claims: { iat: now() + 120 } }, /future/],
    ['no jti', { claims: { jti: undefined } }, /"jti" is missing/],
    ['ath of another token', { claims: { ath: ath('another') } }, /"ath"/],
    ['no ath', { claims: { ath: undefined } }, /"ath"/],
  ])('refuses a proof with %s', async (_name, parts, message) => {
    const token = await boundToken();
    const err = await failure(verifier().verify(await dpopRequest(token, parts as ProofParts)));
    expect(err.code).toBe('invalid_dpop_proof');
    expect(err.message).toMatch(message);
  });

  it('accepts an htu that differs only by query, fragment and normalization', async () => {
    const token = await boundToken();
    const req = request({ authorization: `DPoP ${token}`, dpop: await proof(token, { claims: { htu: 'HTTPS://API.example.com:443/me#x' } }) }, `${API}?a=b`);
    expect((await verifier().verify(req)).tokenType).toBe('DPoP');
  });

  it('honours proofMaxAge', async () => {
    const token = await boundToken();
    const old = { claims: { iat: now() - 50 } };
    expect((await verifier().verify(await dpopRequest(token, old))).tokenType).toBe('DPoP');
    expect((await failure(verifier({ proofMaxAge: 10 }).verify(await dpopRequest(token, old)))).code).toBe('invalid_dpop_proof');
  });

  it('refuses a proof alg outside dpopAlgorithms', async () => {
    const err = await failure(verifier({ dpopAlgorithms: ['EdDSA'] }).verify(await dpopRequest(await boundToken())));
    expect(err.code).toBe('invalid_dpop_proof');
    expect(err.message).toMatch(/alg/);
  });

  it('refuses a proof whose jwk holds the private key', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']) as CryptoKeyPair;
    const privateJwk = await exportJWK(pair.privateKey);
    const token = await accessToken({ cnf: { jkt: await calculateJwkThumbprint(privateJwk, 'sha256') } });
    const err = await failure(verifier().verify(await dpopRequest(token, { pair, publicJwk: privateJwk })));
    expect(err.code).toBe('invalid_dpop_proof');
    expect(err.message).toMatch(/public key/);
  });

  it('refuses two DPoP headers and a DPoP scheme without a proof', async () => {
    const token = await boundToken();
    const two = new Headers({ authorization: `DPoP ${token}` });
    two.append('dpop', await proof(token));
    two.append('dpop', await proof(token));
    expect((await failure(verifier().verify(new Request(API, { headers: two })))).message).toMatch(/more than one/);
    expect((await failure(verifier().verify(request({ authorization: `DPoP ${token}` })))).code).toBe('invalid_dpop_proof');
  });

  it('refuses the DPoP scheme with a token that is not bound', async () => {
    const token = await accessToken();
    const err = await failure(verifier().verify(await dpopRequest(token)));
    expect(err.code).toBe('invalid_token');
    expect(err.message).toMatch(/not DPoP-bound/);
  });
});

describe('createApiTokenVerifier: the access token', () => {
  it.each([
    ['another audience', { aud: 'https://other.example.com' }, /aud/],
    ['another issuer', { iss: 'https://op.example.com' }, /iss/],
    ['an expired exp', { exp: now() - 120 }, /exp/],
    ['no sub', { sub: undefined }, /sub/],
  ])('refuses a bound token with %s', async (_name, claims, message) => {
    const token = await boundToken(claims as JWTPayload);
    const err = await failure(verifier().verify(await dpopRequest(token)));
    expect(err.code).toBe('invalid_token');
    expect(err.message).toMatch(message);
  });

  it('refuses a token typed other than at+jwt (an ID token)', async () => {
    const token = await accessToken({}, { typ: 'JWT' });
    const err = await failure(verifier().verify(request({ authorization: `Bearer ${token}` })));
    expect(err.code).toBe('invalid_token');
    expect(err.message).toMatch(/typ/);
  });

  it('refuses a token signed by a key outside the OP\'s JWKS', async () => {
    const pair = await ecKeyPair();
    const forged = await new SignJWT({ iss: op.issuer, aud: AUDIENCE, sub: 'alice', client_id: 'spa', jti: 'x', iat: now(), exp: now() + 60, cnf: { jkt } })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).sign(pair.privateKey);
    const err = await failure(verifier().verify(await dpopRequest(forged)));
    expect(err.code).toBe('invalid_token');
  });

  it('refuses an opaque token with a clear message', async () => {
    const err = await failure(verifier().verify(request({ authorization: 'Bearer abc.def' })));
    expect(err.code).toBe('invalid_token');
    expect(err.message).toMatch(/not a JWT/);
  });
});

describe('createApiTokenVerifier: Bearer', () => {
  it('accepts a token that is not bound as Bearer', async () => {
    const result = await verifier().verify(request({ authorization: `bearer ${await accessToken()}` }));
    expect(result).toMatchObject({ tokenType: 'Bearer', claims: { sub: 'alice' } });
    expect(result.jkt).toBeUndefined();
  });

  it('refuses a DPoP-bound token as Bearer (the downgrade)', async () => {
    const v = verifier();
    const req = request({ authorization: `Bearer ${await boundToken()}` });
    const err = await failure(v.verify(req));
    expect(err.code).toBe('invalid_token');
    expect(err.message).toMatch(/DPoP-bound/);
    expect(v.errorResponse(err, req).headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="the access token is DPoP-bound[^"]*", DPoP algs="/);
  });

  it('refuses a bound token as Bearer even with its proof alongside', async () => {
    const token = await boundToken();
    const req = request({ authorization: `Bearer ${token}`, dpop: await proof(token) });
    expect((await failure(verifier().verify(req))).code).toBe('invalid_token');
  });

  it('refuses Bearer when dpop is required, and challenges with DPoP only', async () => {
    const v = verifier({ dpop: 'required' });
    const req = request({ authorization: `Bearer ${await accessToken()}` });
    const err = await failure(v.verify(req));
    expect(err.code).toBe('invalid_token');
    expect(v.errorResponse(err, req).headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token", .*algs="/);
  });
});

describe('createApiTokenVerifier: Authorization header and answers', () => {
  it('answers a request without credentials with a challenge that names no error (RFC 6750 §3.1)', async () => {
    const v = verifier();
    const req = request({});
    const answer = v.errorResponse(await failure(v.verify(req)), req);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe(`Bearer, DPoP algs="${['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'].join(' ')}"`);
    expect(await answer.json()).toMatchObject({ error: 'invalid_token' });
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b'])('answers a malformed Authorization %j with 400 invalid_request', async (value) => {
    const v = verifier();
    const err = await failure(v.verify(request({ authorization: value })));
    expect(err.code).toBe('invalid_request');
    expect(v.errorResponse(err).status).toBe(400);
  });

  it('answers something that is not an AqServerError with 500 without its message', async () => {
    const answer = verifier().errorResponse(new Error('secret detail'));
    expect(answer.status).toBe(500);
    expect(await answer.text()).not.toMatch(/secret detail/);
  });

  it('rejects bad options at once', () => {
    expect(() => createApiTokenVerifier({ issuer: op.issuer } as ApiTokenVerifierOptions)).toThrow(/audience/);
    expect(() => verifier({ dpop: 'off' as 'allowed' })).toThrow(/dpop/);
    expect(() => verifier({ dpopAlgorithms: ['HS256'] })).toThrow(/asymmetric/);
    expect(() => verifier({ proofMaxAge: 0 })).toThrow(/proofMaxAge/);
  });
});

describe('createApiTokenVerifier: server nonces', () => {
  const nonces = { current: () => 'n-2', accepts: (n: string) => n === 'n-2' || n === 'n-1' };

  it('asks for a nonce with use_dpop_nonce and DPoP-Nonce, then accepts a proof with it', async () => {
    const v = verifier({ dpopNonce: nonces });
    const token = await boundToken();
    const req = await dpopRequest(token);
    const err = await failure(v.verify(req));
    expect(err.code).toBe('use_dpop_nonce');
    const answer = v.errorResponse(err, req);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('dpop-nonce')).toBe('n-2');
    expect(answer.headers.get('www-authenticate')).toMatch(/DPoP error="use_dpop_nonce"/);
    expect((await v.verify(await dpopRequest(token, { claims: { nonce: 'n-1' } }))).tokenType).toBe('DPoP');
  });

  it('refuses a nonce the source no longer accepts', async () => {
    const err = await failure(verifier({ dpopNonce: nonces }).verify(await dpopRequest(await boundToken(), { claims: { nonce: 'n-0' } })));
    expect(err.code).toBe('use_dpop_nonce');
  });

  it('does not burn the jti of a proof refused for its nonce', async () => {
    const replayStore = memoryReplayStore();
    const token = await boundToken();
    const req = await dpopRequest(token, { claims: { nonce: 'n-0' } });
    await failure(verifier({ dpopNonce: nonces, replayStore }).verify(req.clone()));
    expect((await verifier({ replayStore }).verify(req)).tokenType).toBe('DPoP');
  });
});
