// The walking skeleton: code + PKCE against the dev OP, popup and redirect, in real Chromium.
import { expect } from '@playwright/test';
import {
  OP, buttonText, clickForPopup, count, loginAtOp, nextEvent, openSignin, signInWithPopup, signInWithRedirect, storedUserKeys, test,
} from './fixtures';

test('popup sign-in: aq-profile with sub, email and aq:location; the button says who', async ({ page }) => {
  await openSignin(page);
  expect(await buttonText(page)).toBe('Sign in');
  const { detail } = await signInWithPopup(page, 'alice');
  expect(detail.profile.sub).toBe('alice');
  expect(detail.profile.email).toBe('alice@example.com');
  expect(detail.profile['aq:location']).toMatchObject({ latitude: expect.any(Number), longitude: expect.any(Number) });
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
  await expect(page.locator('aq-signin')).toHaveAttribute('signed-in', '');
  await expect(page.locator('[data-aq-bind=given_name]')).toHaveText('Alice');
  expect(await page.evaluate(() => typeof document.querySelector('aq-signin')!.accessToken)).toBe('string');
});

test('redirect sign-in: the response parameters leave the URL', async ({ page }) => {
  await openSignin(page, { display: 'redirect' });
  const { detail } = await signInWithRedirect(page, 'bob');
  expect(detail.profile.sub).toBe('bob');
  expect(page.url()).not.toMatch(/[?#&](code|state|session_state)=/);
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Bob');
});

test('storage=session keeps the user over a reload and fires aq-profile again', async ({ page }) => {
  await openSignin(page);
  await signInWithPopup(page);
  await page.reload();
  const restored = await nextEvent(page, 'aq-profile');
  expect(restored.detail.profile.sub).toBe('alice');
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
});

test('storage=memory forgets the user on reload', async ({ page }) => {
  await openSignin(page, { storage: 'memory' });
  await signInWithPopup(page);
  expect(await storedUserKeys(page)).toEqual([]);
  await page.reload();
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  expect(await count(page, 'aq-profile')).toBe(0);
});

test('sign-out with the button: aq-logout "user", and a reload stays signed out', async ({ page }) => {
  await openSignin(page);
  await signInWithPopup(page);
  await page.locator('aq-signin button').click();
  expect((await nextEvent(page, 'aq-logout')).detail.reason).toBe('user');
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  await expect(page.locator('aq-signin')).not.toHaveAttribute('signed-in');
  expect(await storedUserKeys(page)).toEqual([]);
  await page.reload();
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  expect(await count(page, 'aq-profile')).toBe(0);
});

test('denied consent: AQ_AUTHORIZATION_ERROR with the OP error, nothing signed in', async ({ page }) => {
  await openSignin(page);
  const popup = await clickForPopup(page);
  // The dev OP's "[ Cancel ]" link aborts the interaction: error=access_denied.
  await popup.locator('a[href$="/abort"]').click();
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_AUTHORIZATION_ERROR');
  expect(detail.error.error).toBe('access_denied');
  expect(detail.error.errorDescription).toBeTruthy();
  expect(await count(page, 'aq-profile')).toBe(0);
  expect(await storedUserKeys(page)).toEqual([]);
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
});

test('closing the popup gives AQ_POPUP_CLOSED within about a second', async ({ page }) => {
  await openSignin(page);
  const popup = await clickForPopup(page);
  await expect(page.locator('aq-signin')).toHaveAttribute('busy', '');
  // Closed once the user has seen the OP's page (the page looks every 250 ms): a popup closed
  // before that may only have been severed by a Cross-Origin-Opener-Policy, and is waited for
  // (e2e/coop.spec.ts).
  await popup.locator('input[name=login]').waitFor();
  await page.waitForTimeout(500);
  await popup.close();
  const closedAt = Date.now();
  const { detail, at } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_POPUP_CLOSED');
  expect(at - closedAt).toBeLessThan(1500);
  await expect(page.locator('aq-signin')).not.toHaveAttribute('busy');
});

test('a blocked popup gives AQ_POPUP_BLOCKED', async ({ page }) => {
  await page.addInitScript(() => {
    window.open = () => null;
  });
  await openSignin(page);
  await page.locator('aq-signin button').click();
  expect((await nextEvent(page, 'aq-error')).detail.error.code).toBe('AQ_POPUP_BLOCKED');
  await expect(page.locator('aq-signin')).not.toHaveAttribute('busy');
});

test('an unreachable OP gives AQ_DISCOVERY_FAILED naming the URL', async ({ page }) => {
  await openSignin(page, { issuer: 'http://localhost:3999' });
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_DISCOVERY_FAILED');
  expect(detail.error.message).toContain('http://localhost:3999/.well-known/openid-configuration');
});

test('a missing client-id gives AQ_CONFIG_INVALID naming it, once', async ({ page }) => {
  await openSignin(page, { 'client-id': null });
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_CONFIG_INVALID');
  expect(detail.error.message).toContain('client-id');
  await page.locator('aq-signin button').click();
  await page.waitForTimeout(300);
  expect(await count(page, 'aq-error')).toBe(1);
});

test('a replayed callback URL is refused with AQ_STATE_INVALID and no second aq-profile', async ({ page }) => {
  await openSignin(page, { display: 'redirect', storage: 'memory' });
  let callback = '';
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.url().includes('code=')) callback = r.url();
  });
  await signInWithRedirect(page);
  expect(callback).toContain('state=');
  await page.goto(callback);
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_STATE_INVALID');
  expect(await count(page, 'aq-profile')).toBe(0);
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
});

test('the script-tag build signs in on a plain page configured by data-*', async ({ page }) => {
  await openSignin(page, {}, '/e2e/pages/script-tag.html');
  expect(await page.evaluate(() => typeof (window as any).AqSignin?.createClient)).toBe('function');
  const { detail } = await signInWithPopup(page, 'carol');
  expect(detail.profile.sub).toBe('carol');
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Carol');
});

test('coming back from a redirect asks the OP for the token and userinfo only', async ({ page }) => {
  await openSignin(page, { display: 'redirect', 'session-interval': '0' });
  const toOp: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.url().includes('code=')) toOp.length = 0; // the page is back
    else if (r.url().startsWith('http://localhost:3100/') && !r.isNavigationRequest()) toOp.push(new URL(r.url()).pathname);
  });
  await signInWithRedirect(page);
  expect(toOp.sort()).toEqual(['/me', '/token']);
});

test('coming back from a redirect, the token request starts while the page loads, and a late script still hears aq-profile', async ({ page }) => {
  // The script-tag page: the build runs as the parser reaches it, then the harness (a classic
  // script) loads slowly on the return, so the rest of the page, a [data-aq-bind] element
  // included, is parsed and DOMContentLoaded fires only once it ran.
  let slow = false;
  let harnessRan = Infinity;
  await page.route('**/e2e/pages/harness.js', async (route) => {
    if (!slow) return route.continue();
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
    harnessRan = Date.now();
  });
  let tokenAt = 0;
  page.on('request', (r) => r.url() === `${OP}/token` && (tokenAt = Date.now()));
  await openSignin(page, { display: 'redirect', 'session-interval': '0' }, '/e2e/pages/script-tag.html');
  await page.locator('aq-signin button').click();
  await page.waitForURL((u) => u.origin === OP);
  slow = true;
  await loginAtOp(page);
  const { detail } = await nextEvent(page, 'aq-profile');
  expect(detail.profile.sub).toBe('alice');
  await expect(page.locator('[data-aq-bind=given_name]')).toHaveText('Alice');
  // Once: the harness set attributes after the element connected, so a second client took over;
  // the first one's events are not forwarded.
  await page.waitForTimeout(500);
  expect(await count(page, 'aq-profile')).toBe(1);
  expect(tokenAt).toBeGreaterThan(0);
  expect(tokenAt).toBeLessThan(harnessRan);
});
