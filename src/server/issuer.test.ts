// @vitest-environment node
import type * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAccessToken } from './action-state.js';
import { AqServerError } from './errors.js';
import { checkEndpoints, clearIssuerCache } from './issuer.js';
import type { StubOp } from './test-support/stub-op.js';
import { startStubOp } from './test-support/stub-op.js';

const doc = (extra: Record<string, unknown>): oauth.AuthorizationServer => ({
  issuer: 'https://op.example',
  token_endpoint: 'https://op.example/token',
  jwks_uri: 'https://op.example/jwks',
  ...extra,
});

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('checkEndpoints', () => {
  const https = new URL('https://op.example');

  it('accepts https endpoints', () => {
    expect(() => checkEndpoints(https, doc({ userinfo_endpoint: 'https://op.example/me' }))).not.toThrow();
  });

  for (const [key, value] of [
    ['jwks_uri', 'http://op.example/jwks'],
    ['jwks_uri', 'http://localhost/jwks'],
    ['token_endpoint', 'http://op.example/token'],
    ['userinfo_endpoint', 'http://op.example/me'],
    ['jwks_uri', 'not a url'],
  ] as const) {
    it(`refuses ${key} ${value} for an https issuer, naming it`, () => {
      const err = refusal(() => checkEndpoints(https, doc({ [key]: value })));
      expect(err).toBeInstanceOf(AqServerError);
      expect((err as AqServerError).code).toBe('discovery_failed');
      expect((err as AqServerError).message).toContain(`"${key}"`);
    });
  }

  it('allows http on loopback for a loopback issuer only, and never to another host', () => {
    const dev = new URL('http://localhost:3000');
    expect(() => checkEndpoints(dev, doc({ issuer: dev.href, jwks_uri: 'http://127.0.0.1:3000/jwks', token_endpoint: 'http://localhost:3000/token' }))).not.toThrow();
    expect((refusal(() => checkEndpoints(dev, doc({ jwks_uri: 'http://keys.evil.example/jwks' }))) as AqServerError).code).toBe('discovery_failed');
  });
});

describe('discovery naming an http jwks_uri', () => {
  let op: StubOp;
  beforeAll(async () => {
    op = await startStubOp({ clientId: 'rp', clientSecret: 's', auth: 'client_secret_basic' });
  });
  afterAll(() => op.close());
  beforeEach(() => clearIssuerCache());

  it('is refused at discovery, before any key is fetched', async () => {
    op.tamperDiscovery = (d) => ({ ...d, jwks_uri: 'http://keys.evil.example/jwks' });
    op.requests.length = 0;
    const now = Math.floor(Date.now() / 1000);
    const token = await op.sign({ iss: op.issuer, aud: 'rp', sub: 'alice', iat: now, exp: now + 60 });
    const err = await verifyAccessToken(token, { issuer: op.issuer, audience: 'rp' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AqServerError);
    expect((err as AqServerError).code).toBe('discovery_failed');
    expect((err as AqServerError).message).toContain('"jwks_uri"');
    expect(op.requests).toEqual(['GET /.well-known/openid-configuration']);
  });
});
