// The interop page: e2e/pages/signin.html on the interop RP origin, configured per test through
// the harness's sessionStorage attributes, pointed at one OP.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { count, nextEvent, test as base } from '../fixtures';
import type { Op, User } from './ops';

export { count, events, nextEvent } from '../fixtures';

/** The e2e test, plus: when a test fails, the aq-* events its first page received are printed. */
export const test = base.extend<{ aqEventsOnFailure: void }>({
  aqEventsOnFailure: [
    async ({ page }, use, testInfo) => {
      await use();
      if (testInfo.status === testInfo.expectedStatus) return;
      const seen = await page.evaluate(() => (window as any).__aqEvents ?? []).catch(() => []);
      const lines = seen.map((e: { type: string; detail: unknown }) => `${e.type} ${JSON.stringify(e.detail).slice(0, 400)}`);
      process.stderr.write(`aq events of "${testInfo.title}":\n  ${lines.join('\n  ') || '(none)'}\n`);
    },
    { auto: true },
  ],
});

/** Opens the OP's test page with these attributes (they hold for reloads and returns from the OP). */
export async function openAt(page: Page, op: Op, attrs: Record<string, string | null> = {}, at = op.page): Promise<void> {
  const url = new URL(at);
  const all = { issuer: op.issuer, 'client-id': op.clientId(attrs['response-type'] ?? 'code'), scope: op.scope, ...attrs };
  await page.addInitScript(([origin, a]) => {
    if (location.origin === origin) sessionStorage.setItem('aq-e2e', JSON.stringify(a));
  }, [url.origin, all] as const);
  await page.goto(at);
  await expect(page.locator('aq-signin button')).toBeVisible();
}

/** A popup sign-in as `user`; the OP's login page is filled only if it asks. Resolves with aq-profile. */
export async function popupSignIn(page: Page, op: Op, user: User) {
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  const before = await count(page, 'aq-profile');
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
  if (await op.asksLogin(popup)) await op.login(popup, user);
  return nextEvent(page, 'aq-profile', before + 1, 15_000);
}

/** A redirect sign-in as `user`; resolves with aq-profile on the returning page. */
export async function redirectSignIn(page: Page, op: Op, user: User) {
  const home = new URL(page.url()).origin;
  await page.locator('aq-signin button').click();
  await page.waitForURL((u) => u.origin !== home);
  await op.login(page, user);
  await page.waitForURL((u) => u.origin === home, { timeout: 15_000 });
  return nextEvent(page, 'aq-profile', 1, 15_000);
}

/** The first aq-error's code, waiting for it. */
export const errorCode = async (page: Page, timeout = 15_000) => (await nextEvent(page, 'aq-error', 1, timeout)).detail.error.code as string;
