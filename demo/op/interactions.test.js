// @vitest-environment node
// The dev OP's own login and consent pages, driven over HTTP as a browser would (e2e drives
// them in Chromium through e2e/fixtures.ts loginAtOp).
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOp } from './provider.js';

const RP = 'http://localhost:5173';
let op;

beforeAll(async () => {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  op = await startOp({ port, rpOrigins: [RP] });
});
afterAll(() => op?.close());

/** A browser-like session: a cookie jar, redirects followed by hand. */
function browser() {
  const jar = new Map();
  return async (url, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0];
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return res;
  };
}

function authorizeUrl(scope) {
  const url = new URL('/auth', op.issuer);
  url.search = new URLSearchParams({
    client_id: 'demo', response_type: 'code', scope, redirect_uri: `${RP}/`, state: 'st', nonce: 'n',
    code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  return url;
}

/** Follows redirects until a page (200) or the RP; returns the last URL and response. */
async function follow(go, url, init) {
  let res = await go(url, init);
  while (res.status >= 300 && res.status < 400) {
    url = new URL(res.headers.get('location'), url);
    if (url.origin === RP) return { url, res };
    res = await go(url);
  }
  return { url, res };
}

it('login page, then a consent page naming the app, the user and the claims asked; Deny gives access_denied', async () => {
  const go = browser();
  const login = await follow(go, authorizeUrl('openid profile email phone aq:location'));
  expect(login.url.pathname).toMatch(/^\/interaction\/[^/]+$/);
  expect(login.res.headers.get('content-security-policy')).toContain("default-src 'none'");
  const loginHtml = await login.res.text();
  expect(loginHtml).toContain('<input type="hidden" name="prompt" value="login">');
  expect(loginHtml).toMatch(/to continue to <strong>demo<\/strong>/);
  expect(loginHtml.match(/type="submit"/g)).toHaveLength(1);
  expect(loginHtml).not.toMatch(/style=|<script/);

  const consent = await follow(go, login.url, { method: 'POST', body: new URLSearchParams({ prompt: 'login', login: 'carol.smith', password: 'x' }) });
  const html = await consent.res.text();
  expect(html).toContain('name="prompt" value="consent"');
  expect(html).toContain('Carol Smith');
  expect(html).toContain('carol.smith@example.com <span class="badge">verified</span>');
  expect(html).toContain('Keizersgracht 123, 1015 CJ Amsterdam, Netherlands');
  expect(html).toContain(`<span class="origin">${RP}</span>`);
  expect(html.match(/type="submit"/g)).toHaveLength(1);

  const denied = await follow(go, new URL(`${consent.url.pathname}/abort`, op.issuer));
  expect(denied.url.origin).toBe(RP);
  expect(denied.url.searchParams.get('error')).toBe('access_denied');
  expect(denied.url.searchParams.get('state')).toBe('st');
});

it('Allow returns a code to the app', async () => {
  const go = browser();
  const login = await follow(go, authorizeUrl('openid email'));
  const consent = await follow(go, login.url, { method: 'POST', body: new URLSearchParams({ prompt: 'login', login: 'alice', password: 'x' }) });
  const done = await follow(go, consent.url, { method: 'POST', body: new URLSearchParams({ prompt: 'consent' }) });
  expect(done.url.origin).toBe(RP);
  expect(done.url.searchParams.get('code')).toBeTruthy();
});

it('refuses a form for another prompt than the one pending', async () => {
  const go = browser();
  const login = await follow(go, authorizeUrl('openid'));
  const res = await go(login.url, { method: 'POST', body: new URLSearchParams({ prompt: 'consent' }) });
  expect(res.status).toBe(400);
});
