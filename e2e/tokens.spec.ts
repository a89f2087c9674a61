// Tokens for APIs (docs/tokens.md): renewal by refresh token with rotation, the silent fallback,
// one refresh across tabs, fetch() for api-origins. The e2e OP's access tokens live 10 s
// (e2e/servers.js), so a renewal comes 7.5 s after each token.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { OP, count, events, nextEvent, openSignin, signInWithPopup, test } from './fixtures';

test.describe.configure({ timeout: 60_000 });

/** A page that gets a refresh token: offline_access needs prompt=consent at the OP (OIDC Core §11). */
const WITH_REFRESH = { scope: 'openid profile offline_access', prompt: 'consent', 'session-interval': '0', 'api-origins': OP };

/** A login name of this test's own, so that counts at the OP are this test's. */
const someone = (name: string) => `${name}-${Date.now().toString(36)}`;

/** Refresh requests the OP answered for `sub` (e2e/servers.js). */
const refreshes = async (page: Page, sub: string): Promise<number> =>
  (await (await page.request.get(`/e2e/token-requests?grant=refresh_token&sub=${encodeURIComponent(sub)}`)).json()).count;

const stored = (page: Page) =>
  page.evaluate(() => {
    const all = { ...sessionStorage, ...localStorage } as Record<string, string>;
    const key = Object.keys(all).find((k) => k.startsWith('aq-signin:user:'));
    return key ? JSON.parse(all[key]) : null;
  });

const elementToken = (page: Page) => page.evaluate(() => (document.querySelector('aq-signin') as any).accessToken as string | null);

/** The dev OP's userinfo through the element's fetch(): the API of these tests. */
const callApi = (page: Page, url = `${OP}/me`) =>
  page.evaluate(async (u) => {
    const r = await (document.querySelector('aq-signin') as any).fetch(u);
    return { status: r.status, body: await r.text() };
  }, url);

async function revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<void> {
  const r = await fetch(`${OP}/token/revocation`, { method: 'POST', body: new URLSearchParams({ token, token_type_hint: hint, client_id: 'demo' }) });
  expect(r.status).toBe(200);
}

test('the access token is renewed before it expires, with only aq-token, and the rotated refresh token works next time', async ({ page }) => {
  const sub = someone('renew');
  await openSignin(page, WITH_REFRESH);
  await signInWithPopup(page, sub);
  const first = await stored(page);
  expect(first.refreshToken).toEqual(expect.any(String));
  const one = await nextEvent(page, 'aq-token', 1, 12_000);
  // Before expiry: the old token still had time when the new one came.
  expect(one.at / 1000).toBeLessThan(first.accessExpiresAt);
  expect(one.detail.accessToken).not.toBe(first.accessToken);
  expect(await elementToken(page)).toBe(one.detail.accessToken);
  const second = await stored(page);
  expect(second.refreshToken).not.toBe(first.refreshToken); // rotated, and kept
  const two = await nextEvent(page, 'aq-token', 2, 12_000);
  expect(two.detail.expiresAt).toBeGreaterThan(one.detail.expiresAt);
  expect(await refreshes(page, sub)).toBe(2);
  expect((await events(page)).map((e) => e.type)).toEqual(['aq-profile', 'aq-token', 'aq-token']);
  await expect(page.locator('aq-signin')).toHaveAttribute('signed-in');
});

test('an API call before and after a renewal, and one whose token the API refuses, succeed', async ({ page }) => {
  const sub = someone('api');
  await openSignin(page, WITH_REFRESH);
  await signInWithPopup(page, sub);
  let answer = await callApi(page);
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body).sub).toBe(sub);
  await nextEvent(page, 'aq-token', 1, 12_000);
  answer = await callApi(page);
  expect(JSON.parse(answer.body).sub).toBe(sub);
  // The API answers 401 invalid_token for a token revoked meanwhile: renewed, retried once.
  const before = await refreshes(page, sub);
  await revoke((await elementToken(page))!, 'access_token');
  answer = await callApi(page);
  expect(answer.status, answer.body).toBe(200);
  // The retry's renewal (also when the timed one had just taken the token the API refused), and
  // on a loaded machine perhaps the next timed one (7.5 s apart) too.
  expect(await refreshes(page, sub)).toBeGreaterThanOrEqual(before + 1);
  expect(await count(page, 'aq-logout')).toBe(0);
});

test('a refresh token the OP revoked signs the user out with reason "renewal-refused"', async ({ page }) => {
  await openSignin(page, WITH_REFRESH);
  await signInWithPopup(page, someone('revoked'));
  await revoke((await stored(page)).refreshToken, 'refresh_token');
  const { detail } = await nextEvent(page, 'aq-logout', 1, 12_000);
  expect(detail.reason).toBe('renewal-refused');
  expect(await stored(page)).toBeNull();
  expect(await count(page, 'aq-error')).toBe(0); // invalid_grant is the OP ending it, not a failure
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  await expect(page.evaluate(() => (document.querySelector('aq-signin') as any).getAccessToken())).rejects.toThrow(/AQ_NOT_SIGNED_IN|no user is signed in/);
});

test('a renewal that cannot reach the OP is retried, reported once, and the user stays', async ({ page }) => {
  await openSignin(page, WITH_REFRESH);
  await signInWithPopup(page, someone('offline'));
  let aborted = 0;
  await page.route(`${OP}/token`, (route) => (aborted++, route.abort('internetdisconnected')));
  const { detail } = await nextEvent(page, 'aq-error', 1, 12_000);
  expect(detail.error.code).toBe('AQ_TOKEN_RENEWAL_FAILED');
  // Back-off: 2 s, then 4 s.
  await expect.poll(() => aborted, { timeout: 8000 }).toBeGreaterThanOrEqual(2);
  await page.unroute(`${OP}/token`);
  const renewed = await nextEvent(page, 'aq-token', 1, 12_000);
  expect(await elementToken(page)).toBe(renewed.detail.accessToken);
  expect(await count(page, 'aq-logout')).toBe(0);
  expect(await count(page, 'aq-error')).toBe(1);
});

for (const tabs of [2, 3]) {
  test(`${tabs} tabs with storage "local": one refresh request per expiry, every tab gets the new token`, async ({ page, context }) => {
    const sub = someone(`tabs${tabs}`);
    const attrs = { ...WITH_REFRESH, storage: 'local' };
    await openSignin(page, attrs);
    await signInWithPopup(page, sub);
    const pages = [page];
    for (let i = 1; i < tabs; i++) {
      const other = await context.newPage();
      await openSignin(other, attrs);
      await nextEvent(other, 'aq-profile');
      pages.push(other);
    }
    for (const n of [1, 2]) {
      const got = await Promise.all(pages.map((p) => nextEvent(p, 'aq-token', n, 15_000)));
      expect(new Set(got.map((e) => e.detail.accessToken)).size).toBe(1);
      for (const p of pages) expect(await elementToken(p)).toBe(got[0].detail.accessToken);
      await page.waitForTimeout(500); // a late duplicate would have arrived by now
      expect(await refreshes(page, sub)).toBe(n);
    }
    for (const p of pages) expect(await count(p, 'aq-logout')).toBe(0);
  });
}

test('fetch() attaches the token only for api-origins', async ({ page }) => {
  await openSignin(page, WITH_REFRESH);
  await signInWithPopup(page, someone('origins'));
  const seen: Record<string, string | undefined> = {};
  await page.route('**/e2e/echo*', (route) => {
    seen[new URL(route.request().url()).origin] = route.request().headers().authorization;
    return route.fulfill({ status: 200, body: 'ok', headers: { 'access-control-allow-origin': '*' } });
  });
  await page.route(`${OP}/e2e/echo`, (route) => {
    seen[OP] = route.request().headers().authorization;
    return route.fulfill({ status: 200, body: 'ok', headers: { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization' } });
  });
  expect((await callApi(page, '/e2e/echo')).status).toBe(200); // same origin, not listed
  expect((await callApi(page, 'http://127.0.0.1:5174/e2e/echo')).status).toBe(200); // same server, other origin
  expect((await callApi(page, `${OP}/e2e/echo`)).status).toBe(200);
  expect(seen['http://localhost:5174']).toBeUndefined();
  expect(seen['http://127.0.0.1:5174']).toBeUndefined();
  expect(seen[OP]).toBe(`Bearer ${await elementToken(page)}`);
});

test('without a refresh token, getAccessToken() after expiry renews silently (prompt=none)', async ({ page }) => {
  await openSignin(page, { 'session-interval': '0' });
  await signInWithPopup(page, someone('silent'));
  const first = await stored(page);
  expect(first.refreshToken).toBeUndefined();
  await page.waitForTimeout(Math.max(0, first.accessExpiresAt * 1000 - Date.now() - 4000));
  const silent: string[] = [];
  page.on('request', (r) => r.url().includes('prompt=none') && silent.push(r.url()));
  const token = await page.evaluate(() => (document.querySelector('aq-signin') as any).getAccessToken());
  expect(token).not.toBe(first.accessToken);
  expect(silent).toHaveLength(1);
  expect((await nextEvent(page, 'aq-token')).detail.accessToken).toBe(token);
  expect(await count(page, 'aq-logout')).toBe(0);
});
