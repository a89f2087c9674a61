// The relying party is a second chunk: the button paints without it, the element starts loading
// it as it connects, and a click before it has arrived still opens the popup inside the click.
// The e2e pages run the library from /src on Vite's dev server, so that chunk is the request for
// /src/element/relying-party.ts (what it imports is only asked for once it has arrived).
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { OP, count, loginAtOp, nextEvent, openSignin, signInWithPopup, test } from './fixtures';

/** Holds back the relying-party chunk of this page (not of its popups) until release(). */
async function holdClientChunk(page: Page): Promise<{ requested: () => boolean; release: () => void }> {
  let requested = false;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await page.route(
    (url) => url.pathname === '/src/element/relying-party.ts',
    async (route) => {
      requested = true;
      await released;
      await route.continue();
    },
  );
  return { requested: () => requested, release };
}

/** Records the URL of every window.open of the page. */
async function recordOpens(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const open = window.open.bind(window);
    (window as any).__opens = [];
    window.open = (url?: string | URL, ...rest: any[]) => {
      (window as any).__opens.push(String(url));
      return open(url, ...rest);
    };
  });
}
const opens = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).__opens);

test('the button paints before the relying-party chunk has loaded, which the element asks for as it connects', async ({ page }) => {
  const chunk = await holdClientChunk(page);
  const modules: string[] = [];
  page.on('request', (r) => modules.push(new URL(r.url()).pathname));
  await openSignin(page);
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  expect((await page.locator('aq-signin button').boundingBox())?.width).toBeGreaterThan(0);
  // Asked for before any click, and still held: what painted did not need it.
  await expect.poll(chunk.requested).toBe(true);
  chunk.release();
  // Once in, the element prefetches discovery: it is ready for a click.
  await page.waitForResponse((r) => r.url() === `${OP}/.well-known/openid-configuration`);
  // The options' chunks stay where they are on a page that sets none of them.
  const optional = ['/src/core/backend.ts', '/src/core/front-channel.ts', '/src/core/par.ts', '/src/session/logout-stream.ts', '/src/tokens/index.ts'];
  expect(modules.filter((m) => optional.includes(m))).toEqual([]);
  expect(modules).toContain('/src/core/client.ts');
});

test('a click while the chunk is still on its way opens the popup at once; it goes to the OP once the chunk is in, and the sign-in completes', async ({ page }) => {
  await recordOpens(page);
  const chunk = await holdClientChunk(page);
  await openSignin(page);
  await expect.poll(chunk.requested).toBe(true);
  // The popup must open inside the click while the chunk is held: after an await it would lose
  // the user gesture and a popup blocker would refuse it.
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
  expect(await opens(page)).toEqual(['about:blank']);
  await expect(page.locator('aq-signin')).toHaveAttribute('busy', '');
  chunk.release();
  await popup.waitForURL((u) => u.origin === OP);
  // Still signing in: what the page load had to say (nothing) does not end the busy state.
  await page.waitForTimeout(300);
  await expect(page.locator('aq-signin')).toHaveAttribute('busy', '');
  await loginAtOp(popup, 'alice');
  const { detail } = await nextEvent(page, 'aq-profile');
  expect(detail.profile.sub).toBe('alice');
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
  // The client navigated the element's popup instead of opening one of its own.
  expect(await opens(page)).toEqual(['about:blank']);
  expect(await page.evaluate(() => (window as any).__aqEvents.filter((e: any) => e.type === 'aq-error'))).toEqual([]);
});

test('a click while the chunk is on its way, with a blocked popup: AQ_POPUP_BLOCKED, not busy', async ({ page }) => {
  await page.addInitScript(() => {
    window.open = () => null;
  });
  const chunk = await holdClientChunk(page);
  await openSignin(page);
  await expect.poll(chunk.requested).toBe(true);
  await page.locator('aq-signin button').click();
  expect((await nextEvent(page, 'aq-error')).detail.error.code).toBe('AQ_POPUP_BLOCKED');
  await expect(page.locator('aq-signin')).not.toHaveAttribute('busy');
  chunk.release();
});

test('display=redirect: a click while the chunk is on its way goes to the OP once it is in', async ({ page }) => {
  const chunk = await holdClientChunk(page);
  await openSignin(page, { display: 'redirect' });
  await expect.poll(chunk.requested).toBe(true);
  await page.locator('aq-signin button').click();
  await expect(page.locator('aq-signin')).toHaveAttribute('busy', '');
  chunk.release();
  await page.waitForURL((u) => u.origin === OP);
  await loginAtOp(page, 'bob');
  await page.waitForURL((u) => u.port === '5174');
  expect((await nextEvent(page, 'aq-profile')).detail.profile.sub).toBe('bob');
});

test('once the chunk is in, a click opens the popup straight at the OP: nothing awaited in between', async ({ page }) => {
  await recordOpens(page);
  await openSignin(page);
  // The chunk, then discovery and JWKS (the prefetch) are in; the page is quiet.
  await page.waitForLoadState('networkidle');
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
  const [first] = await opens(page);
  expect(new URL(first).origin).toBe(OP);
  await loginAtOp(popup, 'alice');
  expect((await nextEvent(page, 'aq-profile')).detail.profile.sub).toBe('alice');
});

test('a signed-in page reloaded paints the stored user before the chunk is in; signed in only once restored; a click then signs out', async ({ page }) => {
  await openSignin(page);
  await signInWithPopup(page, 'alice');
  const chunk = await holdClientChunk(page);
  let popups = 0;
  page.on('popup', () => popups++);
  await page.reload();
  await expect.poll(chunk.requested).toBe(true);
  // The label from storage, no "Sign in" first; but nobody is signed in until the record is checked.
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
  await expect(page.locator('aq-signin')).not.toHaveAttribute('signed-in');
  expect(await page.locator('aq-signin').evaluate((el: any) => el.profile)).toBeNull();
  await page.locator('aq-signin button').click();
  chunk.release();
  expect((await nextEvent(page, 'aq-profile')).detail.profile.sub).toBe('alice');
  expect((await nextEvent(page, 'aq-logout')).detail.reason).toBe('user');
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  expect(popups).toBe(0);
});

test('a signed-in page reloaded: signIn() called from a click of the page before the chunk is in restores the user instead of signing in again', async ({ page }) => {
  await openSignin(page);
  await signInWithPopup(page, 'alice');
  const chunk = await holdClientChunk(page);
  await page.reload();
  await expect.poll(chunk.requested).toBe(true);
  // The page's own control (a menu's "Sign in"), not the button, which now says "Sign out Alice".
  await page.evaluate(() => {
    const own = document.body.appendChild(document.createElement('button'));
    own.id = 'own-signin';
    own.textContent = 'Sign in';
    own.addEventListener('click', () => void (document.querySelector('aq-signin') as any).signIn());
  });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('#own-signin').click()]);
  chunk.release();
  expect((await nextEvent(page, 'aq-profile')).detail.profile.sub).toBe('alice');
  await expect(page.locator('aq-signin button')).toHaveText('Sign out Alice');
  // The blank popup the click had to open closes without going to the OP.
  await expect.poll(() => popup.isClosed()).toBe(true);
  expect(popup.url()).toBe('about:blank');
  await expect(page.locator('aq-signin')).not.toHaveAttribute('busy');
});

test('a reloaded page whose stored user has expired paints "Sign in", and nobody is restored', async ({ page }) => {
  await openSignin(page);
  await signInWithPopup(page, 'alice');
  await page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('aq-signin:user:'))!;
    const record = JSON.parse(sessionStorage.getItem(key)!);
    delete record.refreshToken;
    sessionStorage.setItem(key, JSON.stringify({ ...record, expiresAt: Math.floor(Date.now() / 1000) - 60 }));
  });
  const chunk = await holdClientChunk(page);
  await page.reload();
  await expect.poll(chunk.requested).toBe(true);
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  chunk.release();
  // getAccessToken() answers once the chunk is in and the stored record has been dealt with.
  expect(await page.locator('aq-signin').evaluate((el: any) => el.getAccessToken().catch((e: any) => e.code))).toBe('AQ_NOT_SIGNED_IN');
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  expect(await count(page, 'aq-profile')).toBe(0);
});

test("an option's chunk that cannot be loaded is AQ_LOAD_FAILED naming it, and nobody is signed in", async ({ page }) => {
  await page.route((url) => url.pathname === '/src/core/front-channel.ts', (route) => route.abort());
  await openSignin(page, { 'response-type': 'code id_token' });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
  await loginAtOp(popup, 'dave');
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_LOAD_FAILED');
  expect(detail.error.message).toBe('the implicit and hybrid checks script could not be loaded');
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
  expect(await count(page, 'aq-profile')).toBe(0);
});
