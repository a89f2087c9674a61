// Remote sign-out pushed to the page (issue 16), in real Chromium against the dev OP, two backend
// instances and a real redis-server (e2e/logout-push-world.ts). The page is on 127.0.0.1 and the
// OP on localhost: two sites, so the OP's session iframe sees no cookie, as in a browser that
// blocks third-party cookies. A sign-out at the OP reaches instance B by back-channel logout;
// the page's stream is held by instance A; Redis carries it across.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { createClient } from 'redis';
import { clickForPopup, count, events, loginAtOp, nextEvent, test } from './fixtures';
import type { World } from './logout-push-world.mjs';
import { startWorld } from './logout-push-world.mjs';

let world: World;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  world = await startWorld();
});
test.afterAll(async () => {
  await world?.close();
});

const BACKEND = { 'client-id': 'demo-backend', scope: 'openid profile email', 'backend-url': '/api/plain/code', 'logout-events-url': '/api/logout-events', 'session-interval': '1000' };
const BROWSER_ONLY = { 'client-id': 'demo', scope: 'openid profile email', 'logout-events-url': '/api/logout-events', 'session-interval': '1000' };

async function open(page: Page, attrs: Record<string, string>): Promise<void> {
  await page.addInitScript((a) => sessionStorage.setItem('aq-e2e', JSON.stringify(a)), { issuer: world.issuer, ...attrs });
  await page.goto(`${world.a}/e2e/pages/signin.html`);
  await expect(page.locator('aq-signin button')).toBeVisible();
}

/** Signs in through the popup; resolves once the page's logout stream is open ("ready" read). */
async function signIn(page: Page, login: string): Promise<void> {
  const stream = page.waitForResponse((r) => r.url().endsWith('/api/logout-events') && r.status() === 200);
  const popup = await clickForPopup(page);
  await loginAtOp(popup, login);
  await nextEvent(page, 'aq-profile');
  await stream;
}

async function logoutAtOp(page: Page): Promise<number> {
  const op = await page.context().newPage();
  await op.goto(`${world.issuer}/session/end`);
  const at = Date.now();
  await op.locator('button[name=logout][value=yes]').click();
  await op.waitForLoadState();
  await op.close();
  return at;
}

/** Both instances subscribed to the logout channel again (after Redis came back). */
async function bothSubscribed(): Promise<void> {
  const probe = createClient({ url: world.redis.url });
  await probe.connect();
  try {
    await expect.poll(async () => (await probe.pubSubNumSub('aq-signin:logout'))['aq-signin:logout'], { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  } finally {
    probe.destroy();
  }
}

test('third-party cookies blocked: the iframe cannot tell, the push signs the page out within a second (stream on A, back-channel logout at B)', async ({ page }) => {
  await open(page, BACKEND);
  await signIn(page, 'alice');
  const unavailable = await nextEvent(page, 'aq-error');
  expect(unavailable.detail.error.code).toBe('AQ_SESSION_CHECK_UNAVAILABLE');
  await bothSubscribed();

  const at = await logoutAtOp(page);
  const logout = await nextEvent(page, 'aq-logout');
  expect(logout.detail.reason).toBe('remote');
  expect(logout.at - at).toBeLessThan(1000);
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  expect(world.logoutTokens.at(-1)).toMatchObject({ to: world.b, status: 200 });
  // Instance A ended its own session too, from the bus.
  expect(await page.evaluate(() => fetch('/api/session').then((r) => r.json()))).toMatchObject({ active: false, ended: 'backchannel-logout' });
});

test('a logout token B accepted is refused as a replay at A and at B (one Redis replay store)', async ({ request }) => {
  const seen = world.logoutTokens.at(-1)!;
  expect(seen.status).toBe(200);
  for (const instance of [world.a, world.b]) {
    const replay = await request.post(`${instance}${seen.path}`, { form: { logout_token: seen.token } });
    expect(replay.status()).toBe(400);
    expect((await replay.json()).error_description).toMatch(/already used/);
  }
});

test('browser-only sign-in: the ID token opens the stream; a sign-out at the OP signs the page out', async ({ page }) => {
  await open(page, BROWSER_ONLY);
  const sent: string[] = [];
  page.on('request', (r) => r.url().endsWith('/api/logout-events') && sent.push(`${r.url()} ${r.postData()}`));
  await signIn(page, 'carol');
  expect(sent[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/logout-events \{"id_token":"ey/);
  await bothSubscribed();
  const at = await logoutAtOp(page);
  const logout = await nextEvent(page, 'aq-logout');
  expect(logout.detail.reason).toBe('remote');
  expect(logout.at - at).toBeLessThan(1000);
});

test('a stream request with no session or a forged ID token gets 401 and no stream', async ({ request }) => {
  const none = await request.post(`${world.a}/api/logout-events`, { data: {} });
  expect(none.status()).toBe(401);
  expect((await none.json()).error).toBe('invalid_token');
  const forged = await request.post(`${world.a}/api/logout-events`, { data: { id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln' } });
  expect(forged.status()).toBe(401);
});

test('Redis down at start and mid-stream: a clear error, recovery, and never a false sign-out', async ({ page }) => {
  await world.redis.stop();
  await open(page, BACKEND);
  await signIn(page, 'dave');
  await expect.poll(async () => (await events(page)).filter((e) => e.type === 'aq-error').map((e) => e.detail.error.code)).toContain('AQ_LOGOUT_STREAM_UNAVAILABLE');
  const errorsAtStart = await count(page, 'aq-error');

  await world.redis.start();
  await bothSubscribed();
  // Lost again while the stream is open: told again, still signed in.
  await world.redis.stop();
  await expect.poll(() => count(page, 'aq-error')).toBeGreaterThan(errorsAtStart);
  const last = (await events(page)).filter((e) => e.type === 'aq-error').at(-1)!;
  expect(last.detail.error).toMatchObject({ code: 'AQ_LOGOUT_STREAM_UNAVAILABLE', message: expect.stringMatching(/cannot hear logouts/) });
  await page.waitForTimeout(1500);
  expect(await count(page, 'aq-logout')).toBe(0);
  await expect(page.locator('aq-signin button')).not.toHaveText('Sign in');

  await world.redis.start();
  await bothSubscribed();
  const at = await logoutAtOp(page);
  const logout = await nextEvent(page, 'aq-logout');
  expect(logout.detail.reason).toBe('remote');
  expect(logout.at - at).toBeLessThan(1000);
});
