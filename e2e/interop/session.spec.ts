// Session monitoring against each third-party OP: remote sign-out and "another user signs in at
// the OP" where the OP has OIDC Session Management, and what the SDK does where the OP falls short.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { count, errorCode, events, nextEvent, openAt, popupSignIn, test } from './fixtures';
import { ops, type Op } from './ops';
import { world } from './world';
import { setHidden } from '../fixtures';

const INTERVAL = 1000;
const byName = (name: Op['name']) => ops().find((o) => o.name === name)!;

/** Counts the silent prompt=none re-checks the page makes (in its hidden frame). */
function silentChecks(page: Page): number[] {
  const at: number[] = [];
  page.on('request', (r) => r.url().includes('prompt=none') && at.push(Date.now()));
  return at;
}

/**
 * While the page is in the background (no checks), the OP's current user becomes the second user,
 * signed in at the OP in another tab (prompt=login); `logoutFirst` ends the first user's OP session
 * before (LemonLDAP keeps it through a prompt=login). Then the page shows again and checks at once.
 */
async function otherUserAtOp(page: Page, op: Op, { at, logoutFirst = false }: { at?: string; logoutFirst?: boolean } = {}) {
  const first = (await events(page)).find((e) => e.type === 'aq-profile')!.detail.profile.sub;
  await setHidden(page, true);
  // Hidden, the page starts no check; one already under way (LemonLDAP's iframe says "changed" at
  // every poll) is let finish first: its code, revoked by the logout before its exchange, would
  // end in invalid_grant, AQ_SESSION_CHECK_UNAVAILABLE, and monitoring stopped for good.
  await expect(page.locator('iframe[title="session re-check"]')).toHaveCount(0);
  await page.waitForTimeout(1500);
  if (logoutFirst) await op.logoutAtOp(page.context());
  const other = await page.context().newPage();
  await openAt(other, op, { 'session-interval': '0', prompt: 'login' }, at);
  const { detail } = await popupSignIn(other, op, op.users[1]);
  expect(detail.profile.sub).not.toBe(first); // the OP's current user really changed
  await other.close();
  await setHidden(page, false);
}

test.describe('oidc-provider-9', () => {
  const op = byName('oidc-provider-9');
  test.skip(!!op.skip, op.skip);

  test('no Session Management (removed in 7.0): no check_session iframe, no error, the user stays', async ({ page }) => {
    const discovery = await (await page.request.get(`${op.issuer}/.well-known/openid-configuration`)).json();
    expect(discovery.check_session_iframe).toBeUndefined();
    await openAt(page, op, { 'session-interval': String(INTERVAL) });
    await popupSignIn(page, op, op.users[0]);
    await op.logoutAtOp(page.context());
    await page.waitForTimeout(2 * INTERVAL + 500);
    await expect(page.locator('iframe[title="session check"]')).toHaveCount(0);
    expect(await count(page, 'aq-logout')).toBe(0);
    expect(await count(page, 'aq-error')).toBe(0);
    await expect(page.locator('aq-signin button')).toHaveText(op.users[0].label);
  });
});

test.describe('lemonldap', () => {
  const op = byName('lemonldap');
  test.skip(!!op.skip, op.skip);
  const [dwho] = op.users;

  /**
   * LemonLDAP serves /oauth2/checksession.html and sends session_state but keeps
   * check_session_iframe out of discovery (commented out in its code). These tests add it to the
   * discovery document the page receives, to exercise the OP's own iframe and re-check answers.
   */
  async function discoverIframe(page: Page) {
    await page.route(`${op.issuer}/.well-known/openid-configuration`, async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      await route.fulfill({ response, json: { ...json, check_session_iframe: `${op.issuer}/oauth2/checksession.html` } });
    });
  }

  test('OP fault: check_session_iframe is not in discovery: no monitoring, no false sign-out', async ({ page }) => {
    await openAt(page, op, { 'session-interval': String(INTERVAL) });
    const { detail } = await popupSignIn(page, op, dwho);
    // It does send session_state: the monitor would have something to check.
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('aq-signin:user:')).map((k) => JSON.parse(sessionStorage.getItem(k)!).sessionState))).toEqual([expect.any(String)]);
    expect(detail.profile.sub).toBe('dwho');
    await op.logoutAtOp(page.context());
    await page.waitForTimeout(2 * INTERVAL + 500);
    await expect(page.locator('iframe[title="session check"]')).toHaveCount(0);
    expect(await count(page, 'aq-logout')).toBe(0);
    expect(await count(page, 'aq-error')).toBe(0);
  });

  test('OP fault: its iframe answers "changed" to every poll: the re-checks back off and the user stays', async ({ page }) => {
    await discoverIframe(page);
    await openAt(page, op, { 'session-interval': '200' });
    const silent = silentChecks(page);
    await popupSignIn(page, op, dwho);
    await page.waitForTimeout(8000);
    // One re-check per answer would be about 40 in 8 s; the back-off doubles from 400 ms.
    expect(silent.length).toBeGreaterThanOrEqual(2);
    expect(silent.length).toBeLessThanOrEqual(8);
    expect(await count(page, 'aq-logout')).toBe(0);
    expect(await count(page, 'aq-error')).toBe(0);
    await expect(page.locator('aq-signin button')).toHaveText(dwho.label);
  });

  test('another user signs in at the OP: its re-check answer invalid_request ("Current user does not match") is a remote sign-out', async ({ page }) => {
    await discoverIframe(page);
    await openAt(page, op, { 'session-interval': String(INTERVAL) });
    await popupSignIn(page, op, dwho);
    await otherUserAtOp(page, op, { logoutFirst: true });
    // Its iframe says "changed" at every check, so the monitor has backed off: up to 30 s.
    test.setTimeout(90_000);
    const { detail } = await nextEvent(page, 'aq-logout', 1, 45_000);
    expect(detail.reason).toBe('remote');
    await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  });

  test('OP fault: after a logout at the OP its prompt=none shows a login form that refuses frames: AQ_SESSION_CHECK_UNAVAILABLE, never a false sign-out', async ({ page }) => {
    await discoverIframe(page);
    await openAt(page, op, { 'session-interval': String(INTERVAL) });
    await popupSignIn(page, op, dwho);
    // Its iframe says "changed" at every poll: a re-check in flight during the logout would get a
    // code the logout then revokes. The logout happens while the page is in the background.
    await setHidden(page, true);
    await page.waitForTimeout(1500);
    await op.logoutAtOp(page.context());
    await setHidden(page, false);
    expect(await errorCode(page, 20_000)).toBe('AQ_SESSION_CHECK_UNAVAILABLE');
    expect((await events(page)).filter((e) => e.type === 'aq-logout')).toEqual([]);
  });
});

test.describe('glewlwyd', () => {
  const op = byName('glewlwyd');
  test.skip(!!op.skip, op.skip);
  const [ivy] = op.users;
  // Its iframe answers only pages on its own origin: the test page served by Glewlwyd itself.
  const sameOrigin = () => world().ops.glewlwyd!.page!;

  test('remote sign-out: a logout at the OP signs the page on its origin out within session-interval + 1 s', async ({ page }) => {
    await openAt(page, op, { 'session-interval': String(INTERVAL) }, sameOrigin());
    await popupSignIn(page, op, ivy);
    await expect(page.locator('iframe[title="session check"]')).toHaveCount(1);
    await op.logoutAtOp(page.context());
    const loggedOutAt = Date.now();
    const { detail, at } = await nextEvent(page, 'aq-logout', 1, 10_000);
    expect(detail.reason).toBe('remote');
    expect(at - loggedOutAt).toBeLessThan(INTERVAL + 1000);
    await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  });

  test('another user signs in at the OP: its re-check answer invalid_request ("id_token mandatory") is a remote sign-out', async ({ page }) => {
    await openAt(page, op, { 'session-interval': String(INTERVAL) }, sameOrigin());
    await popupSignIn(page, op, ivy);
    await otherUserAtOp(page, op, { at: sameOrigin() });
    const { detail } = await nextEvent(page, 'aq-logout', 1, 15_000);
    expect(detail.reason).toBe('remote');
  });

  test('OP fault: its iframe answers only its own origin: from another origin AQ_SESSION_CHECK_UNAVAILABLE, the user stays', async ({ page }) => {
    await openAt(page, op, { 'session-interval': String(INTERVAL) });
    await popupSignIn(page, op, ivy);
    expect(await errorCode(page, 15_000)).toBe('AQ_SESSION_CHECK_UNAVAILABLE');
    expect(await count(page, 'aq-logout')).toBe(0);
    await expect(page.locator('aq-signin button')).toHaveText(ivy.label);
  });
});
