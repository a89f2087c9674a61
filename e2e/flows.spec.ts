// Every response type against the dev OP, in a popup and by redirect.
import { expect } from '@playwright/test';
import { nextEvent, openSignin, signInWithPopup, signInWithRedirect, test } from './fixtures';

const TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];

for (const responseType of TYPES) {
  for (const display of ['popup', 'redirect'] as const) {
    test(`${responseType} by ${display}`, async ({ page }) => {
      await openSignin(page, { 'response-type': responseType, display });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const { detail } = display === 'popup' ? await signInWithPopup(page, 'dave') : await signInWithRedirect(page, 'dave');
      expect(detail.profile.sub).toBe('dave');
      expect(detail.profile.email).toBe('dave@example.com');
      expect(detail.profile.given_name).toBe('Dave');
      const accessToken = await page.evaluate(() => document.querySelector('aq-signin')!.accessToken);
      const parts = responseType.split(' ');
      if (parts.includes('token') || parts.includes('code')) expect(accessToken).toEqual(expect.any(String));
      else expect(accessToken).toBeNull();
      // Implicit flows finish without any request to the OP's token endpoint.
      const tokenCalls = requests.filter((u) => u.endsWith('/token')).length;
      expect(tokenCalls).toBe(parts.includes('code') ? 1 : 0);
      if (display === 'redirect') expect(page.url()).not.toMatch(/(code|id_token|access_token|state)=/);
    });
  }
}

test('response-mode=query with a token-bearing response type is refused by configuration', async ({ page }) => {
  await openSignin(page, { 'response-type': 'id_token token', 'response-mode': 'query' });
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_CONFIG_INVALID');
  expect(detail.error.message).toContain('response-mode');
});

for (const display of ['popup', 'redirect'] as const) {
  test(`response-mode=form_post by ${display}: the OP posts to the backend, which hands the response to the page`, async ({ page }) => {
    await openSignin(page, {
      'response-mode': 'form_post',
      'redirect-uri': '/api/auth/form-post?return=/e2e/pages/signin.html',
      display,
    });
    const posts: string[] = [];
    page.context().on('request', (r) => r.method() === 'POST' && r.url().includes('/api/auth/form-post') && posts.push(r.url()));
    const { detail } = display === 'popup' ? await signInWithPopup(page, 'heidi') : await signInWithRedirect(page, 'heidi');
    expect(detail.profile.sub).toBe('heidi');
    expect(posts).toHaveLength(1);
    expect(page.url()).toBe('http://localhost:5174/e2e/pages/signin.html');
  });
}
