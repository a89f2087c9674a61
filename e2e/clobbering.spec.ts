// Issue 13, finding 1: markup that clobbers document.currentScript must not configure the
// script-tag build (an OP of the attacker's, or the code and its PKCE verifier posted to them).
import { expect } from '@playwright/test';
import type { AqEvent } from './fixtures';
import { count, openSignin, signInWithPopup, test } from './fixtures';

for (const [page_, swapped] of [['clobbered.html', 'the OP and the backend'], ['clobbered-backend.html', 'the backend']]) {
  test(`an <img name="currentScript"> swapping ${swapped} does not configure the script-tag build`, async ({ page }) => {
    const toAttacker: string[] = [];
    let reached!: () => void;
    const attackerReached = new Promise<void>((resolve) => (reached = resolve));
    await page.context().route('https://attacker.example/**', (route) => {
      toAttacker.push(`${route.request().method()} ${route.request().url()} ${route.request().postData() ?? ''}`);
      reached();
      return route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
    });
    await openSignin(page, {}, `/e2e/pages/${page_}`);
    // The gadget is live in this browser: the named property wins over Document's own getter.
    expect(await page.evaluate(() => (document.currentScript as Element | null)?.localName)).toBe('img');
    const signedIn = await Promise.race([signInWithPopup(page, 'carol'), attackerReached.then(() => undefined)]);
    expect(toAttacker).toEqual([]);
    expect((signedIn as AqEvent).detail.profile.sub).toBe('carol');
    await expect(page.locator('aq-signin button')).toHaveText('Sign out Carol');
    expect(await count(page, 'aq-error')).toBe(0);
  });
}
