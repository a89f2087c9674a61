// Pushed Authorization Requests (RFC 9126) in real Chromium against a real OP (oidc-provider 9, the
// tokens OP): the request is pushed ahead of the click, so the popup opens straight at the OP's
// authorization endpoint with a request_uri, inside the click, with nothing awaited in between.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { freePort } from '../scripts/free-port.mjs';
// @ts-expect-error plain JS OP
import { startTokensOp } from './ops/tokens-op.js';
import { nextEvent, openSignin, setHidden, signInWithPopup, test } from './fixtures';

interface OpRequest { method: string; path: string; query: string; status: number; dpop: boolean; error?: string }
type TokensOp = { issuer: string; provider: any; requests: OpRequest[]; close(): Promise<void> };
// Pushed anew 6 s after each push (half its life: 10 s before the end would be sooner than that).
const PAR_SECONDS = 12;
const RENEWED_AFTER_MS = 6_000;
// required: the OP requires PAR of every client and says so in discovery. optional: only of the
// client "tokens-par" (client metadata, which discovery does not show). short: required, and a
// pushed request lives PAR_SECONDS.
let required: TokensOp, optional: TokensOp, short: TokensOp;
const rpOrigins = ['http://localhost:5174'];

test.beforeAll(async () => {
  [required, optional, short] = await Promise.all([
    startTokensOp({ port: await freePort(), rpOrigins, requirePar: true }),
    startTokensOp({ port: await freePort(), rpOrigins }),
    startTokensOp({ port: await freePort(), rpOrigins, requirePar: true, parSeconds: PAR_SECONDS }),
  ]);
});
test.afterAll(() => Promise.all([required, optional, short].map((op) => op.close())));

const attrs = (op: TokensOp, more: Record<string, string | null> = {}) => ({ issuer: op.issuer, 'client-id': 'tokens', scope: 'openid profile email', ...more });
const pushes = (op: TokensOp, from = 0) => op.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/request');

/** Every URL the page passes to window.open, and every later navigation of what it opened. */
async function watchPopups(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const opened: string[] = ((window as any).__opened = []);
    const open = window.open;
    window.open = function (url?: string | URL, ...rest: any[]) {
      opened.push(String(url));
      return open.call(window, url, ...rest);
    };
  });
}
const opened = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).__opened);

/** Waits until the page has a pushed request ready: one push answered since `from`. */
const pushed = (op: TokensOp, from = 0) => expect.poll(() => pushes(op, from).filter((r) => r.status === 201).length).toBeGreaterThan(0);

test('the OP requires PAR: the request is pushed before the click, the popup opens at the OP with its request_uri', async ({ page }) => {
  await watchPopups(page);
  const from = required.requests.length;
  await openSignin(page, attrs(required));
  await pushed(required, from);
  const before = required.requests.length;
  const { detail } = await signInWithPopup(page, 'paula');
  expect(detail.profile).toMatchObject({ sub: 'paula', name: 'Paula Tokens' });

  const [url, ...more] = await opened(page);
  expect(more).toEqual([]);
  const authorize = new URL(url);
  expect(authorize.origin + authorize.pathname).toBe(`${required.issuer}/auth`);
  expect([...authorize.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
  // The first request the click caused at the OP is that authorization request: nothing was pushed in between.
  const afterClick = required.requests.slice(before).filter((r) => r.method !== 'OPTIONS');
  expect(afterClick[0]).toMatchObject({ method: 'GET', path: '/auth', query: authorize.search });
  // DPoP is on at this OP: the push carried a proof, which binds the code to the key (RFC 9449 §10.1).
  expect(pushes(required, from)[0]).toMatchObject({ status: 201, dpop: true });
});

test('par attribute: pushed for a client the OP requires it of without saying so in discovery; without it the OP refuses', async ({ page }) => {
  await openSignin(page, attrs(optional, { 'client-id': 'tokens-par', par: '' }));
  await pushed(optional);
  const { detail } = await signInWithPopup(page, 'pete');
  expect(detail.profile.sub).toBe('pete');

  await page.locator('aq-signin button').click();
  await nextEvent(page, 'aq-logout');
  await openSignin(page, attrs(optional, { 'client-id': 'tokens-par', par: null }));
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
  const { detail: failure } = await nextEvent(page, 'aq-error');
  expect(failure.error).toMatchObject({ code: 'AQ_AUTHORIZATION_ERROR', error: 'invalid_request' });
  expect(popup.isClosed()).toBe(true);
});

test('a pushed request is pushed anew before it expires, only while the page is visible', async ({ page }) => {
  test.setTimeout(60_000);
  await watchPopups(page);
  const from = short.requests.length;
  await openSignin(page, attrs(short));
  await pushed(short, from);
  await setHidden(page, true);
  const hiddenAt = short.requests.length;
  await page.waitForTimeout(RENEWED_AFTER_MS + 1000);
  expect(pushes(short, hiddenAt)).toEqual([]);
  // Back: the one pushed before is stale; a new one is pushed, and pushed anew while visible.
  await setHidden(page, false);
  await pushed(short, hiddenAt);
  await page.waitForTimeout(RENEWED_AFTER_MS + 1000);
  expect(pushes(short, hiddenAt).length).toBeGreaterThanOrEqual(2);
  const { detail } = await signInWithPopup(page, 'rita');
  expect(detail.profile.sub).toBe('rita');
  expect(new URL((await opened(page))[0]).searchParams.has('request_uri')).toBe(true);
});
