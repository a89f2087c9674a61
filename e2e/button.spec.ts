// The button as a product: strict CSP, claims as text, accessibility of every theme and state.
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { OP, count, logoutAtOp, nextEvent, openSignin, signInWithPopup, test } from './fixtures';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

test('under a strict CSP with Trusted Types: sign-in, the session monitor and a remote sign-out work, nothing is violated', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => /Content Security Policy|Trusted Type/i.test(m.text()) && violations.push(m.text()));
  page.on('popup', (p) => p.on('console', (m) => /Content Security Policy|Trusted Type/i.test(m.text()) && violations.push(m.text())));
  await openSignin(page, {}, '/e2e/pages/csp.html');
  const response = await page.request.get('/e2e/pages/csp.html');
  expect(response.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");
  // lit-html's own policy is the only one the element may create (lit-html makes it as it loads).
  expect(response.headers()['content-security-policy']).toMatch(/trusted-types lit-html(;|$)/);
  const { detail } = await signInWithPopup(page, 'alice');
  expect(detail.profile.sub).toBe('alice');
  await expect(page.locator('[data-aq-bind=given_name]')).toHaveText('Alice');
  await expect(page.locator('iframe[title="session check"]')).toHaveCount(1);
  await page.waitForTimeout(2500);
  // A sign-out at the OP: check_session says "changed", and the silent prompt=none re-check in a
  // hidden iframe comes back to this page (frame-src 'self') with login_required.
  await logoutAtOp(page.context());
  expect((await nextEvent(page, 'aq-logout', 1, 15_000)).detail.reason).toBe('remote');
  expect(violations).toEqual([]);
  expect(await page.evaluate(() => (window as any).__aqEvents.filter((e: any) => e.type === 'aq-error'))).toEqual([]);
});

// A policy that forgets one frame source: the refusal is reported at once, with what to add,
// instead of a time-out that names nothing (the messages below are not those of a time-out).
test('a CSP whose frame-src leaves out the OP: AQ_SESSION_CHECK_UNAVAILABLE naming the OP, still signed in', async ({ page }) => {
  await openSignin(page, {}, '/e2e/pages/csp.html?frame-src=self');
  await signInWithPopup(page);
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_SESSION_CHECK_UNAVAILABLE');
  expect(detail.error.message).toContain(`refused to load ${OP} in a frame; add ${OP} to its frame-src`);
  await expect(page.locator('aq-signin')).toHaveAttribute('signed-in', '');
});

test("a CSP whose frame-src leaves out 'self': the silent re-check after an OP sign-out names 'self'", async ({ page }) => {
  await openSignin(page, {}, '/e2e/pages/csp.html?frame-src=op');
  await signInWithPopup(page);
  await expect(page.locator('iframe[title="session check"]')).toHaveCount(1);
  await logoutAtOp(page.context());
  const { detail } = await nextEvent(page, 'aq-error', 1, 15_000);
  expect(detail.error.code).toBe('AQ_SESSION_CHECK_UNAVAILABLE');
  expect(detail.error.message).toContain("add 'self' to its frame-src");
});

test('a report-only CSP that would refuse the OP in a frame changes nothing: monitoring runs', async ({ page }) => {
  await openSignin(page, {}, '/e2e/pages/csp.html?report-only=self');
  expect((await page.request.get('/e2e/pages/csp.html?report-only=self')).headers()['content-security-policy-report-only']).toContain("frame-src 'self'");
  await signInWithPopup(page);
  await expect(page.locator('iframe[title="session check"]')).toHaveCount(1);
  await page.waitForTimeout(2500);
  await expect(page.locator('iframe[title="session check"]')).toHaveCount(1);
  expect(await count(page, 'aq-error')).toBe(0);
});

test('a hostile name is shown as text and runs nothing', async ({ page }) => {
  const evil = '<img src=x onerror="window.__pwned=1">';
  // The OP's userinfo answers a name with markup (userinfo claims win over the ID token's).
  await page.route(`${OP}/me`, async (route) => {
    const response = await route.fetch();
    const body = { ...(await response.json()), given_name: evil };
    await route.fulfill({ response, json: body });
  });
  await openSignin(page, { avatar: '' });
  await signInWithPopup(page);
  await expect(page.locator('aq-signin button')).toHaveText(`Sign out ${evil}`);
  await expect(page.locator('[data-aq-bind=given_name]')).toHaveText(evil);
  expect(await page.locator('aq-signin img, [data-aq-bind] img').count()).toBe(0);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
});

async function axe(page: Page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const result = await (window as any).axe.run('aq-signin', { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] });
    return result.violations.map((v: any) => `${v.id}: ${v.help} (${v.nodes.length})`);
  });
}

for (const theme of ['basic', 'orange', 'grey', 'white', 'none']) {
  test(`axe finds nothing in theme "${theme}", signed out, busy and signed in`, async ({ page }) => {
    await openSignin(page, { theme, size: 'small' });
    expect(await axe(page)).toEqual([]);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
    await expect(page.locator('aq-signin button')).toHaveAttribute('aria-busy', 'true');
    await expect(page.locator('aq-signin [role=status]')).toHaveText('Signing in…');
    expect(await axe(page)).toEqual([]);
    // Once the user has seen the OP's page: closed before, the popup may only be hidden by COOP
    // and is waited for (e2e/coop.spec.ts).
    await popup.locator('input[name=login]').waitFor();
    await page.waitForTimeout(500);
    await popup.close();
    await nextEvent(page, 'aq-error');
    await signInWithPopup(page);
    expect(await axe(page)).toEqual([]);
  });
}

test('keyboard: Tab reaches the button, Enter signs in, the focus ring shows', async ({ page }) => {
  await openSignin(page);
  await page.keyboard.press('Tab');
  const shadow = await page.locator('aq-signin button').evaluate((b) => getComputedStyle(b).boxShadow);
  expect(shadow).not.toBe('none');
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.keyboard.press('Enter')]);
  // Straight at the OP, or (a key pressed before the relying party and discovery are in) blank first.
  await popup.waitForURL((u) => u.href.startsWith(`${OP}/`));
});

test("slots: the page's label, signed-in label and icon replace ours, and ours come back without them", async ({ page }) => {
  await openSignin(page);
  // The accessible name is computed on the flat tree, slotted nodes included (textContent is not).
  const button = page.locator('aq-signin button');
  const ownIcon = page.locator('aq-signin svg[part=icon]');
  await expect(ownIcon).toBeVisible();
  await page.locator('aq-signin').evaluate((el) => {
    el.insertAdjacentHTML('beforeend', ' <b>Log in with Acme</b> <span slot="signed-in">Leave Acme</span><i slot="icon" aria-hidden="true">A</i>');
  });
  await expect(button).toHaveAccessibleName('Log in with Acme');
  await expect(ownIcon).toBeHidden();
  await signInWithPopup(page);
  await expect(button).toHaveAccessibleName('Leave Acme');
  // Without a signed-in label, the default one, even though a signed-out label is slotted.
  await page.locator('aq-signin [slot=signed-in]').evaluate((el) => el.remove());
  await expect(button).toHaveAccessibleName('Sign out Alice');
  // Signed out, the page's label is back; signed in again (the slot renamed from a slotted label
  // to none), the default one.
  await button.click();
  await expect(button).toHaveAccessibleName('Log in with Acme');
  await signInWithPopup(page);
  await expect(button).toHaveAccessibleName('Sign out Alice');
  await page.locator('aq-signin [slot=icon]').evaluate((el) => el.remove());
  await expect(ownIcon).toBeVisible();
});

for (const [picture, shown] of [
  ['data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg"/%3E', true],
  ['http://localhost:3100/alice.png', false],
] as const) {
  test(`avatar: a picture claim ${picture.slice(0, 5)}… is ${shown ? 'shown in place of the icon' : 'refused'}`, async ({ page }) => {
    await page.route(`${OP}/me`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), picture } });
    });
    await openSignin(page, { avatar: '' });
    await signInWithPopup(page);
    const avatar = page.locator('aq-signin img[part=avatar]');
    if (shown) {
      await expect(avatar).toHaveAttribute('src', picture);
      // Decorative: the label names the user once, not twice.
      await expect(avatar).toHaveAttribute('alt', '');
      await expect(page.locator('aq-signin button')).toHaveAccessibleName('Sign out Alice');
      await expect(page.locator('aq-signin svg[part=icon]')).toHaveCount(0);
    } else {
      await expect(page.locator('aq-signin svg[part=icon]')).toBeVisible();
      await expect(avatar).toHaveCount(0);
    }
    await page.locator('aq-signin button').click();
    await nextEvent(page, 'aq-logout');
    await expect(avatar).toHaveCount(0);
    await expect(page.locator('aq-signin svg[part=icon]')).toBeVisible();
  });
}
