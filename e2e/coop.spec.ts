// Popups under Cross-Origin-Opener-Policy (issue 13, finding 4). COOP on the OP's pages or
// `same-origin` on the app's moves the popup into another browsing context group: the opener reads
// `popup.closed === true` while the user is still at the OP. The sign-in must wait for the answer
// (over the BroadcastChannel), and a popup the user really closed must still end it.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
// @ts-expect-error the dev OP is plain JS
import { startOp } from '../demo/op/provider.js';
import { OP, clickForPopup, count, events, loginAtOp, nextEvent, openSignin, storedUserKeys, test } from './fixtures';

// Two OPs of our own for this file, one per COOP value; the tests run in order in one worker.
test.describe.configure({ mode: 'default' });

const RP = 'http://localhost:5174';
let ops: { close: () => Promise<void> }[] = [];
test.beforeAll(async () => {
  ops = await Promise.all([
    startOp({ port: 3401, rpOrigins: [RP], openerPolicy: 'same-origin' }),
    startOp({ port: 3402, rpOrigins: [RP], openerPolicy: 'same-origin-allow-popups' }),
  ]);
});
test.afterAll(async () => {
  await Promise.all(ops.map((op) => op.close()));
});

const CASES = [
  { name: "the OP's pages send COOP same-origin", issuer: 'http://localhost:3401', path: undefined },
  { name: "the OP's pages send COOP same-origin-allow-popups", issuer: 'http://localhost:3402', path: undefined },
  { name: 'the app page sends COOP same-origin', issuer: OP, path: '/e2e/pages/coop/signin.html' },
];

const element = (page: Page) => page.locator('aq-signin');

/**
 * Opens the page and waits until the element has fetched discovery: its relying party is in.
 * (A click before that takes the element's early path, whose busy state the page load's own
 * resume clears: not what these tests are about.)
 */
async function openReady(page: Page, issuer: string, path?: string, attrs: Record<string, string> = {}): Promise<void> {
  const discovery = page.waitForResponse(`${issuer}/.well-known/openid-configuration`);
  await openSignin(page, { issuer, ...attrs }, path);
  await discovery;
}
const markers = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('aq-signin:tx:')));

/** Clicks, waits for the OP's login page, and checks that COOP did sever the popup from the page. */
async function popupAtOp(page: Page): Promise<Page> {
  const popup = await clickForPopup(page);
  await popup.locator('input[name=login]').waitFor();
  expect(await popup.evaluate(() => window.opener)).toBeNull();
  return popup;
}

for (const { name, issuer, path } of CASES) {
  test.describe(name, () => {
    test('sign-in completes though the popup reads as closed, the user taking their time at the OP; the popup closes itself', async ({ page }) => {
      await openReady(page, issuer, path);
      const popup = await popupAtOp(page);
      // Longer than a real close takes to be reported without COOP (about a second).
      await page.waitForTimeout(2500);
      expect(await count(page, 'aq-error')).toBe(0);
      await expect(element(page)).toHaveAttribute('busy', '');
      const closed = popup.waitForEvent('close');
      await loginAtOp(popup);
      const { detail } = await nextEvent(page, 'aq-profile');
      expect(detail.profile.sub).toBe('alice');
      await closed;
      await expect(element(page)).not.toHaveAttribute('busy');
      await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
      expect(await count(page, 'aq-error')).toBe(0);
      expect(await markers(page)).toEqual([]);
    });

    test('a popup the user really closes: still busy while COOP may be hiding it, then AQ_POPUP_CLOSED at the 10-minute deadline', async ({ page }) => {
      await page.clock.install();
      await openReady(page, issuer, path);
      const popup = await popupAtOp(page);
      await popup.close();
      await page.waitForTimeout(2000);
      expect(await count(page, 'aq-error')).toBe(0);
      await expect(element(page)).toHaveAttribute('busy', '');
      await page.clock.fastForward('09:50');
      await page.waitForTimeout(1000);
      expect(await count(page, 'aq-error')).toBe(0);
      await page.clock.fastForward('00:15');
      const { detail } = await nextEvent(page, 'aq-error', 1, 3000);
      expect(detail.error.code).toBe('AQ_POPUP_CLOSED');
      expect(detail.error.message).toContain('10 minutes');
      await expect(element(page)).not.toHaveAttribute('busy');
      expect(await count(page, 'aq-profile')).toBe(0);
      expect(await storedUserKeys(page)).toEqual([]);
    });

    test('a popup the user really closes, then a click again: a new sign-in that completes, the first wait superseded', async ({ page }) => {
      await page.clock.install();
      // No session monitor: its own timeouts would fire when the clock jumps.
      await openReady(page, issuer, path, { 'session-interval': '0' });
      const first = await popupAtOp(page);
      await first.close();
      await page.waitForTimeout(1000);
      await expect(element(page)).toHaveAttribute('busy', '');
      const second = await popupAtOp(page);
      await loginAtOp(second, 'bob');
      expect((await nextEvent(page, 'aq-profile')).detail.profile.sub).toBe('bob');
      await expect(element(page)).not.toHaveAttribute('busy');
      // The first wait is over: nothing from it at its deadline either.
      await page.clock.fastForward('10:30');
      await page.waitForTimeout(1000);
      expect((await events(page)).map((e) => e.type)).toEqual(['aq-profile']);
      expect(await storedUserKeys(page)).toHaveLength(1);
    });
  });
}

test('a popup still at the OP after a new sign-in superseded it: when it comes back it relays to no one and closes itself, signing in no one', async ({ page }) => {
  await openReady(page, 'http://localhost:3401');
  const first = await popupAtOp(page);
  // The user leaves the first popup open (the page cannot see it) and clicks again.
  const second = await popupAtOp(page);
  await loginAtOp(second, 'bob');
  expect((await nextEvent(page, 'aq-profile')).detail.profile.sub).toBe('bob');
  const firstClosed = first.waitForEvent('close');
  await loginAtOp(first, 'carol');
  await firstClosed;
  await page.waitForTimeout(500);
  expect((await events(page)).map((e) => e.type)).toEqual(['aq-profile']);
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Bob');
});
