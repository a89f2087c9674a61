// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../core/config.js';
import type { SignedInRecord } from '../core/store.js';
import { allowedOrigin, apiFetch } from './api-fetch.js';

describe('allowedOrigin', () => {
  const origins = ['https://api.example.com', 'http://localhost:8080'];
  it('takes exactly the listed origins, whatever the path', () => {
    expect(allowedOrigin(new URL('https://api.example.com/v1/me?x=1'), origins)).toBe(true);
    expect(allowedOrigin(new URL('http://localhost:8080/'), origins)).toBe(true);
  });
  it('refuses a subdomain, a parent domain, another port or scheme, and a look-alike', () => {
    for (const url of ['https://evil.api.example.com/', 'https://example.com/', 'https://api.example.com:444/', 'http://api.example.com/',
      'https://api.example.com.evil.example/', 'https://api.example.com@evil.example/', 'http://localhost:8081/', 'http://127.0.0.1:8080/']) {
      expect(allowedOrigin(new URL(url), origins), url).toBe(false);
    }
  });
  it('refuses everything when no origin is listed (the default)', () => {
    expect(allowedOrigin(new URL('https://api.example.com/'), [])).toBe(false);
  });
});

describe('apiFetch', () => {
  vi.stubGlobal('location', new URL('https://app.example/'));
  const config = resolveConfig({ issuer: 'https://op.example', clientId: 'app', apiOrigins: 'https://api.example' });
  afterEach(() => vi.unstubAllGlobals());

  function source() {
    let token = 'one';
    const record = (): SignedInRecord => ({ profile: { sub: 'alice' }, idToken: 'x', expiresAt: 0, accessToken: token, tokenType: 'bearer' });
    return {
      config,
      current: record,
      accessToken: async () => token,
      renew: vi.fn(async () => {
        token = 'two';
        return record();
      }),
    };
  }
  const sent = (fetch: ReturnType<typeof vi.fn>) => fetch.mock.calls.map(([r, init]) => new Request(r as Request, init as RequestInit).headers.get('authorization'));

  it('sends the token to an api origin, and a request elsewhere untouched', async () => {
    const fetch = vi.fn(async () => new Response('ok'));
    vi.stubGlobal('fetch', fetch);
    const s = source();
    await apiFetch(s, 'https://api.example/me', { headers: { accept: 'application/json' } });
    await apiFetch(s, 'https://elsewhere.example/me', { headers: { authorization: 'Basic page-own' } });
    expect(sent(fetch)).toEqual(['Bearer one', 'Basic page-own']);
  });

  it('renews and retries once on 401 invalid_token; a second one is the answer', async () => {
    const refused = () => new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    const fetch = vi.fn(async () => refused());
    vi.stubGlobal('fetch', fetch);
    const s = source();
    const r = await apiFetch(s, 'https://api.example/me', { method: 'POST', body: 'x' });
    expect(r.status).toBe(401);
    expect(sent(fetch)).toEqual(['Bearer one', 'Bearer two']);
    expect(s.renew).toHaveBeenCalledTimes(1);
  });

  it('hands back other challenges as they are, without a renewal', async () => {
    const fetch = vi.fn(async () => new Response('', { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } }));
    vi.stubGlobal('fetch', fetch);
    const s = source();
    expect((await apiFetch(s, 'https://api.example/admin')).status).toBe(403);
    expect(s.renew).not.toHaveBeenCalled();
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
