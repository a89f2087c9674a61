// The SDK alone, without the element: one page that is its own redirect URI and calls
// handleRedirectCallback() on every load, for a popup and for a redirect sign-in.
import { expect } from '@playwright/test';
import { OP, loginAtOp, test } from './fixtures';

const PAGE = '/e2e/pages/sdk.html';

test('popup: handleRedirectCallback() in the popup hands the answer to the opener and closes it; signIn() resolves', async ({ page }) => {
  await page.goto(`${PAGE}?display=popup`);
  await expect(page.locator('#out')).toHaveText('ready');
  await page.waitForLoadState('networkidle');
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('#signin').click()]);
  await popup.waitForURL((u) => u.origin === OP);
  await loginAtOp(popup, 'ivan');
  await expect(page.locator('#out')).toHaveText('profile ivan');
  await expect.poll(() => popup.isClosed()).toBe(true);
});

test('redirect: handleRedirectCallback() on the way back resolves with the user and cleans the URL', async ({ page }) => {
  await page.goto(`${PAGE}?display=redirect`);
  await expect(page.locator('#out')).toHaveText('ready');
  await page.locator('#signin').click();
  await page.waitForURL((u) => u.origin === OP);
  await loginAtOp(page, 'judy');
  await page.waitForURL((u) => u.port === '5174');
  await expect(page.locator('#out')).toHaveText('profile judy');
  expect(new URL(page.url()).searchParams.has('code')).toBe(false);
});
