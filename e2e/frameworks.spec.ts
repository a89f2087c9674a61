// <aq-signin> inside a framework, configured and heard only through what the framework renders.
import { expect } from '@playwright/test';
import { clickForPopup, loginAtOp, test } from './fixtures';

test('Preact: props set the attributes, onaq-* props hear sign-in and sign-out', async ({ page }) => {
  const heard = () => page.evaluate(() => (window as any).__preact);
  await page.goto('/e2e/pages/preact.html');
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  // "size" is a property of the element, so Preact sets the property, and the element reflects it.
  await expect(page.locator('aq-signin')).toHaveAttribute('size', 'large');
  await loginAtOp(await clickForPopup(page), 'alice');
  await expect.poll(heard).toEqual([{ type: 'aq-profile', sub: 'alice' }]);
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
  await page.locator('aq-signin button').click();
  await expect.poll(heard).toEqual([
    { type: 'aq-profile', sub: 'alice' },
    { type: 'aq-logout', reason: 'user' },
  ]);
});
