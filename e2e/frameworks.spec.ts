// <aq-signin> inside frameworks, configured and heard only through what each framework renders.
// Each page records what its listeners heard in window.__heard.
import { expect } from '@playwright/test';
import { clickForPopup, loginAtOp, test } from './fixtures';

const FRAMEWORKS = [
  { name: 'No framework', page: 'vanilla', how: 'createElement, append, then setAttribute and addEventListener' },
  { name: 'React 19', page: 'react', how: 'props set the attributes, onaq-* props' },
  { name: 'Preact 10', page: 'preact', how: 'props set the attributes, onaq-* props' },
  { name: 'Vue 3', page: 'vue', how: 'a template with static attributes and @aq-* listeners' },
  { name: 'Svelte 5', page: 'svelte', how: 'markup with static attributes and onaq-* attributes' },
];

for (const { name, page: path, how } of FRAMEWORKS) {
  test(`${name}: ${how} hear sign-in and sign-out`, async ({ page }) => {
    const heard = () => page.evaluate(() => (window as any).__heard);
    await page.goto(`/e2e/pages/in/${path}.html`);
    await expect(page.locator('aq-signin button')).toHaveText('Sign in');
    // "size" reached the element (as a property or an attribute), which reflects it, and the bare
    // "avatar" turned the boolean on (Vue sets it as a property, from "" only onto a boolean).
    await expect(page.locator('aq-signin')).toHaveAttribute('size', 'large');
    expect(await page.locator('aq-signin').evaluate((el) => (el as any).avatar)).toBe(true);
    await loginAtOp(await clickForPopup(page), 'alice');
    await expect.poll(heard).toEqual([{ type: 'aq-profile', value: 'alice' }]);
    await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
    await page.locator('aq-signin button').click();
    await expect.poll(heard).toEqual([
      { type: 'aq-profile', value: 'alice' },
      { type: 'aq-logout', value: 'user' },
    ]);
  });
}
