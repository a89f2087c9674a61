// Remote sign-out: OIDC Session Management against the dev OP, RP-initiated logout, tabs.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { OP, count, events, loginAtOp, logoutAtOp, nextEvent, openSignin, setHidden, signInWithPopup, storedUserKeys, test } from './fixtures';

const INTERVAL = 1000;

/** Counts the OP iframe's answers ("unchanged", "changed", "error") as the page receives them. */
async function countAnswers(page: Page): Promise<void> {
  await page.evaluate((op) => {
    (window as any).__answers = [];
    window.addEventListener('message', (e) => e.origin === op && (window as any).__answers.push({ data: e.data, at: Date.now() }));
  }, OP);
}
const answers = (page: Page): Promise<{ data: string; at: number }[]> => page.evaluate(() => (window as any).__answers);

const storedSessionState = (page: Page) =>
  page.evaluate(() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find((k) => k.startsWith('aq-signin:user:'))!)!).sessionState);

test('logging out at the OP in another tab signs the page out within session-interval + 1 s', async ({ page, context }) => {
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await signInWithPopup(page);
  await expect(page.locator('iframe[title="session check"]')).toHaveCount(1);
  const loggedOutAt = await logoutAtOp(context);
  const { detail, at } = await nextEvent(page, 'aq-logout');
  expect(detail.reason).toBe('remote');
  expect(at - loggedOutAt).toBeLessThan(INTERVAL + 1000);
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  await expect(page.locator('iframe[title="session check"]')).toHaveCount(0);
});

test('a new OP session for the same user keeps the user, with a new session_state', async ({ page, context }) => {
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await signInWithPopup(page, 'erin');
  const before = await storedSessionState(page);
  // While the page is hidden (no checks), the user logs out at the OP and back in as erin: a new
  // OP session. (A second login without a logout keeps oidc-provider's browser state unchanged.)
  await setHidden(page, true);
  await logoutAtOp(context);
  const other = await context.newPage();
  await openSignin(other, { 'session-interval': '0' });
  await signInWithPopup(other, 'erin');
  const silent: string[] = [];
  page.on('request', (r) => r.url().includes('prompt=none') && silent.push(r.url()));
  await setHidden(page, false);
  await expect.poll(() => storedSessionState(page), { timeout: 8000 }).not.toBe(before);
  expect(silent).toHaveLength(1);
  expect(await count(page, 'aq-logout')).toBe(0);
  expect(await count(page, 'aq-profile')).toBe(1);
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Erin');
});

test('a new login at the OP as another user signs the page out ("remote")', async ({ page, context }) => {
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await signInWithPopup(page, 'frank');
  const other = await context.newPage();
  await openSignin(other, { 'session-interval': '0', prompt: 'login' });
  await signInWithPopup(other, 'grace');
  const { detail } = await nextEvent(page, 'aq-logout', 1, 8000);
  expect(detail.reason).toBe('remote');
});

test('the OP iframe answering "error" stops monitoring without signing out', async ({ page }) => {
  // A stand-in for an OP that cannot tell (e.g. third-party cookies blocked): it answers "error".
  await page.route(`${OP}/session/check`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<script>addEventListener("message", (e) => e.source.postMessage("error", e.origin))</script>' }),
  );
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await signInWithPopup(page);
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_SESSION_CHECK_UNAVAILABLE');
  expect(await count(page, 'aq-logout')).toBe(0);
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
});

test('an unreachable OP iframe stops monitoring without signing out', async ({ page }) => {
  await page.route(`${OP}/session/check`, (route) => route.abort());
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await signInWithPopup(page);
  const { detail } = await nextEvent(page, 'aq-error', 1, 10_000);
  expect(detail.error.code).toBe('AQ_SESSION_CHECK_UNAVAILABLE');
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
});

test('forged "changed" messages from another origin or another OP window are ignored', async ({ page }) => {
  await page.route(`${OP}/forge.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<script>setInterval(() => parent.postMessage("changed", "*"), 100)</script>' }),
  );
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await signInWithPopup(page);
  const silentChecks: string[] = [];
  page.on('request', (r) => r.url().includes('prompt=none') && silentChecks.push(r.url()));
  await page.evaluate((op) => {
    // Same origin as the page, and a window of the OP's origin that is not the session iframe.
    const timer = setInterval(() => window.postMessage('changed', '*'), 100);
    setTimeout(() => clearInterval(timer), 2500);
    const frame = document.createElement('iframe');
    frame.src = `${op}/forge.html`;
    document.body.append(frame);
  }, OP);
  await page.waitForTimeout(2500);
  expect(silentChecks).toEqual([]);
  expect(await count(page, 'aq-logout')).toBe(0);
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
});

test('no checks while the page is hidden; one at once when it shows again', async ({ page }) => {
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await signInWithPopup(page);
  await countAnswers(page);
  await expect.poll(async () => (await answers(page)).length, { timeout: 5000 }).toBeGreaterThan(0);
  await setHidden(page, true);
  await page.waitForTimeout(500); // an answer already in flight may still land
  const hiddenFrom = (await answers(page)).length;
  await page.waitForTimeout(3 * INTERVAL);
  expect((await answers(page)).length).toBe(hiddenFrom);
  const shownAt = Date.now();
  await setHidden(page, false);
  await expect.poll(async () => (await answers(page)).length, { timeout: 2000 }).toBe(hiddenFrom + 1);
  expect((await answers(page))[hiddenFrom].at - shownAt).toBeLessThan(INTERVAL / 2);
});

test('a reload resumes monitoring of the restored user', async ({ page, context }) => {
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await signInWithPopup(page);
  await page.reload();
  await nextEvent(page, 'aq-profile');
  await expect(page.locator('iframe[title="session check"]')).toHaveCount(1);
  await logoutAtOp(context);
  expect((await nextEvent(page, 'aq-logout')).detail.reason).toBe('remote');
});

test('RP-initiated logout: end-session ends the OP session and comes back clean', async ({ page }) => {
  await openSignin(page, { 'end-session': '' });
  await signInWithPopup(page);
  await page.locator('aq-signin button').click();
  await page.waitForURL((u) => u.origin === OP);
  await page.locator('button[name=logout][value=yes]').click();
  await page.waitForURL((u) => u.port === '5174');
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  // The button paints before the relying-party chunk, which then takes the logout's state.
  await expect.poll(() => page.url()).not.toContain('state=');
  expect(await storedUserKeys(page)).toEqual([]);
  expect((await events(page)).filter((e) => e.type === 'aq-error' || e.type === 'aq-profile')).toEqual([]);
  // The OP session is gone: signing in again asks for the login.
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
  await expect(popup.locator('input[name=login]')).toBeVisible();
  await loginAtOp(popup, 'alice');
  await nextEvent(page, 'aq-profile');
});

test('a foreign ?state= on the page is left alone, without an error', async ({ page }) => {
  await openSignin(page);
  await page.goto('/e2e/pages/signin.html?state=somebody-elses');
  await page.waitForTimeout(300);
  expect(page.url()).toContain('state=somebody-elses');
  expect(await count(page, 'aq-error')).toBe(0);
});

test('tabs agree: a sign-in with storage=local shows up in the other tab, a sign-out signs it out', async ({ page, context }) => {
  await openSignin(page, { storage: 'local' });
  const other = await context.newPage();
  await openSignin(other, { storage: 'local' });
  await signInWithPopup(page);
  expect((await nextEvent(other, 'aq-profile')).detail.profile.sub).toBe('alice');
  await expect(other.locator('aq-signin button')).toHaveText('Sign out Alice');
  await page.locator('aq-signin button').click();
  expect((await nextEvent(other, 'aq-logout')).detail.reason).toBe('other-tab');
  await expect(other.locator('aq-signin button')).toHaveText('Sign in');
});

test('a sign-out in one tab signs out the other tabs with storage=session too', async ({ page, context }) => {
  await openSignin(page);
  await signInWithPopup(page);
  const other = await context.newPage();
  await openSignin(other);
  await signInWithPopup(other);
  await other.locator('aq-signin button').click();
  expect((await nextEvent(page, 'aq-logout')).detail.reason).toBe('other-tab');
});

test('an OP whose iframe always answers "changed" costs fewer and fewer silent re-checks, and the user stays', async ({ page }) => {
  // LemonLDAP::NG's check_session iframe does this: every check would be a hidden prompt=none sign-in.
  await page.route(`${OP}/session/check`, (route) =>
    route.fulfill({ contentType: 'text/html', body: "<script>addEventListener('message', (e) => e.source.postMessage('changed', e.origin))</script>" }),
  );
  await openSignin(page, { 'session-interval': '100' });
  const silent: number[] = [];
  page.on('request', (r) => r.url().includes('prompt=none') && silent.push(Date.now()));
  await signInWithPopup(page, 'frank');
  await page.waitForTimeout(8000);
  // Without back-off: one re-check per answer, about 20 in 8 s; doubling from 200 ms: about 5.
  expect(silent.length).toBeGreaterThanOrEqual(2);
  expect(silent.length).toBeLessThanOrEqual(7);
  expect(await count(page, 'aq-logout')).toBe(0);
  expect(await count(page, 'aq-error')).toBe(0);
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Frank');
});

/**
 * The OP's iframe says "changed"; the silent re-check gets `error` from the OP (as LemonLDAP::NG
 * and Glewlwyd answer when another user is signed in there now, or as an OP that cannot tell).
 */
async function changedThenOpSays(page: Page, error: string): Promise<void> {
  await page.route(`${OP}/session/check`, (route) =>
    route.fulfill({ contentType: 'text/html', body: "<script>addEventListener('message', (e) => e.source.postMessage('changed', e.origin))</script>" }),
  );
  await page.route(
    (url) => url.origin === OP && url.searchParams.get('prompt') === 'none',
    (route) => {
      const q = new URL(route.request().url()).searchParams;
      const back = new URL(q.get('redirect_uri')!);
      back.search = new URLSearchParams({ error, error_description: `the OP says ${error}`, state: q.get('state')!, iss: OP }).toString();
      return route.fulfill({ status: 302, headers: { location: back.href } });
    },
  );
}

test('after "changed", an OP error such as invalid_request (another user at the OP) is a remote sign-out', async ({ page }) => {
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await changedThenOpSays(page, 'invalid_request');
  await signInWithPopup(page, 'grace');
  const { detail } = await nextEvent(page, 'aq-logout');
  expect(detail.reason).toBe('remote');
  expect(await count(page, 'aq-error')).toBe(0);
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
});

test('after "changed", an OP that cannot tell (temporarily_unavailable) is AQ_SESSION_CHECK_UNAVAILABLE with its words; the user stays', async ({ page }) => {
  await openSignin(page, { 'session-interval': String(INTERVAL) });
  await changedThenOpSays(page, 'temporarily_unavailable');
  await signInWithPopup(page, 'heidi');
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error).toMatchObject({ code: 'AQ_SESSION_CHECK_UNAVAILABLE', error: 'temporarily_unavailable', errorDescription: 'the OP says temporarily_unavailable' });
  expect(await count(page, 'aq-logout')).toBe(0);
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Heidi');
});
