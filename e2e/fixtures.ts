import { writeFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { test as base, expect } from '@playwright/test';

/**
 * Playwright's test, plus: when a test fails, what the browser logged in any page of its context
 * (popups included) is printed with the failure and kept in its output folder as browser.log.
 */
export const test = base.extend<{ browserLog: void }>({
  browserLog: [
    async ({ context }, use, testInfo) => {
      const lines: string[] = [];
      context.on('console', (m) => m.type() !== 'debug' && lines.push(`[${m.type()}] ${m.page()?.url() ?? ''}: ${m.text()}`));
      context.on('weberror', (e) => lines.push(`[uncaught] ${e.page()?.url() ?? ''}: ${e.error().stack ?? e.error().message}`));
      await use();
      if (testInfo.status === testInfo.expectedStatus || !lines.length) return;
      const path = testInfo.outputPath('browser.log');
      writeFileSync(path, lines.join('\n'));
      await testInfo.attach('browser log', { path, contentType: 'text/plain' });
      process.stderr.write(`browser log of "${testInfo.title}":\n  ${lines.join('\n  ')}\n`);
    },
    { auto: true },
  ],
});

export const OP = 'http://localhost:3100';
export const PAGE = '/e2e/pages/signin.html';

export interface AqEvent {
  type: 'aq-profile' | 'aq-logout' | 'aq-error' | 'aq-backend' | 'aq-token';
  detail: any;
  at: number;
}

/**
 * Opens the e2e page with these attributes on the element (null removes one). They hold for this
 * page's later loads (reload, return from the OP) and for the popups it opens, not for other tabs.
 */
export async function openSignin(page: Page, attrs: Record<string, string | null> = {}, path = PAGE): Promise<void> {
  await page.addInitScript((a) => {
    if (location.port === '5174') sessionStorage.setItem('aq-e2e', JSON.stringify(a));
  }, attrs);
  await page.goto(path);
  await expect(page.locator('aq-signin button')).toBeVisible();
}

export const events = (page: Page): Promise<AqEvent[]> => page.evaluate(() => (window as any).__aqEvents);

/** Waits for the n-th event of a type (1-based) and returns it. */
export async function nextEvent(page: Page, type: AqEvent['type'], n = 1, timeout = 10_000): Promise<AqEvent> {
  await page.waitForFunction(([t, k]) => (window as any).__aqEvents?.filter((e: AqEvent) => e.type === t).length >= k, [type, n] as const, { timeout });
  return (await events(page)).filter((e) => e.type === type)[n - 1];
}

export const count = async (page: Page, type: AqEvent['type']) => (await events(page)).filter((e) => e.type === type).length;

export const buttonText = (page: Page) => page.locator('aq-signin button').first().innerText();

/** The dev OP's login and consent pages (oidc-provider devInteractions): any login becomes sub. */
export async function loginAtOp(op: Page, login = 'alice'): Promise<void> {
  await op.locator('input[name=login]').fill(login);
  await op.locator('input[name=password]').fill('any');
  await op.locator('button[type=submit]').click();
  // Consent is asked once per client and scope set; a popup may close at once without it.
  const consent = op.locator('input[name=prompt][value=consent]');
  const closed = op.waitForEvent('close').then(() => false);
  if (await Promise.race([consent.waitFor({ state: 'attached' }).then(() => true), closed])) await op.locator('button[type=submit]').click();
}

/** Clicks the button and returns the popup it opened. */
export async function clickForPopup(page: Page): Promise<Page> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').first().click()]);
  return popup;
}

/**
 * A whole popup sign-in; resolves with the aq-profile event. With a live OP session (and no
 * prompt=login) the OP answers at once and the popup closes before any login page.
 */
export async function signInWithPopup(page: Page, login = 'alice'): Promise<AqEvent> {
  const before = await count(page, 'aq-profile');
  const popup = await clickForPopup(page);
  const asked = await Promise.race([
    popup.locator('input[name=login]').waitFor().then(() => true),
    popup.waitForEvent('close').then(() => false),
  ]);
  if (asked) await loginAtOp(popup, login);
  return nextEvent(page, 'aq-profile', before + 1);
}

/** A whole redirect sign-in; resolves with the aq-profile event on the returning page. */
export async function signInWithRedirect(page: Page, login = 'alice'): Promise<AqEvent> {
  await page.locator('aq-signin button').first().click();
  await page.waitForURL((u) => u.origin === OP);
  await loginAtOp(page, login);
  await page.waitForURL((u) => u.port === '5174');
  return nextEvent(page, 'aq-profile');
}

/** Signs out at the OP (RP-initiated logout page of the dev OP, confirmation included). */
export async function logoutAtOp(context: BrowserContext): Promise<number> {
  const op = await context.newPage();
  await op.goto(`${OP}/session/end`);
  await op.locator('button[name=logout][value=yes]').click();
  const at = Date.now();
  await op.waitForLoadState();
  await op.close();
  return at;
}

export const storedUserKeys = (page: Page) =>
  page.evaluate(() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter((k) => k.startsWith('aq-signin:user:')));

/** Pretends the tab is in the background (or back): document.hidden and a visibilitychange. */
export const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { value: h, configurable: true });
    Object.defineProperty(document, 'visibilityState', { value: h ? 'hidden' : 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
