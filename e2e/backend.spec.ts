// The backend hand-off: backend-url, init-url, the Authsignal-style flow and back-channel logout,
// against the dev OP's confidential clients and the demo backend (demo/backend, served in Vite).
import { expect } from '@playwright/test';
import { OP, clickForPopup, loginAtOp, logoutAtOp, nextEvent, openSignin, signInWithPopup, storedUserKeys, test } from './fixtures';

const AUTHSIGNAL = { 'client-id': 'authsignal-demo', scope: 'openid profile email', 'session-interval': '0', 'backend-url': '/api/auth/code' };
const initUrl = (simulate: string) => `/api/auth/init?user=bob&simulate=${simulate}`;

test('backend-url: the backend exchanges the code; the browser never calls the token endpoint', async ({ page }) => {
  const tokenCalls: string[] = [];
  page.context().on('request', (r) => r.url().startsWith(`${OP}/token`) && tokenCalls.push(r.url()));
  await openSignin(page, { 'client-id': 'demo-backend', scope: 'openid profile email', 'session-interval': '0', 'backend-url': '/api/plain/code' });
  const { detail } = await signInWithPopup(page, 'alice');
  expect(detail.profile.sub).toBe('alice');
  const backend = await nextEvent(page, 'aq-backend');
  expect(backend.detail.status).toBe(200);
  expect(backend.detail.body.profile.email).toBe('alice@example.com');
  expect(tokenCalls).toEqual([]);
  expect(await page.evaluate(() => fetch('/api/session').then((r) => r.json()))).toMatchObject({ active: true, sub: 'alice' });
});

test('backend-url answering an error gives AQ_BACKEND_FAILED with the status, nothing stored', async ({ page }) => {
  await page.route('**/api/plain/code', (route) => route.fulfill({ status: 500, json: { error: 'server_error' } }));
  await openSignin(page, { 'client-id': 'demo-backend', scope: 'openid profile email', 'backend-url': '/api/plain/code' });
  const popup = await clickForPopup(page);
  await loginAtOp(popup, 'alice');
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_BACKEND_FAILED');
  expect(detail.error.status).toBe(500);
  expect(await storedUserKeys(page)).toEqual([]);
  await expect(page.locator('aq-signin button')).toHaveText('Sign in');
});

test('Authsignal-style: init-url token, CHALLENGE_SUCCEEDED signs in without a login page', async ({ page }) => {
  await openSignin(page, { ...AUTHSIGNAL, 'init-url': initUrl('CHALLENGE_SUCCEEDED') });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
  const { detail } = await nextEvent(page, 'aq-profile');
  expect(detail.profile.sub).toBe('bob');
  expect((await nextEvent(page, 'aq-backend')).detail.body).toMatchObject({ action_state: 'CHALLENGE_SUCCEEDED' });
  expect(popup.isClosed()).toBe(true);
});

test('Authsignal-style: CHALLENGE_FAILED is refused by the backend', async ({ page }) => {
  await openSignin(page, { ...AUTHSIGNAL, 'init-url': initUrl('CHALLENGE_FAILED') });
  await page.locator('aq-signin button').click();
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_BACKEND_FAILED');
  expect(detail.error.status).toBe(403);
  expect(await storedUserKeys(page)).toEqual([]);
});

test('Authsignal-style without the init token: the OP refuses the request', async ({ page }) => {
  await openSignin(page, AUTHSIGNAL);
  await page.locator('aq-signin button').click();
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_AUTHORIZATION_ERROR');
  expect(detail.error.error).toBe('invalid_request');
});

test('init-url failing gives AQ_INIT_FAILED and closes the popup', async ({ page }) => {
  await page.route('**/api/auth/init*', (route) => route.fulfill({ status: 503, body: 'down' }));
  await openSignin(page, { ...AUTHSIGNAL, 'init-url': initUrl('CHALLENGE_SUCCEEDED') });
  const popup = await clickForPopup(page);
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error.code).toBe('AQ_INIT_FAILED');
  expect(detail.error.message).toContain('503');
  await expect.poll(() => popup.isClosed()).toBe(true);
});

test('a logout at the OP reaches the backend through back-channel logout', async ({ page, context }) => {
  await openSignin(page, { 'client-id': 'demo-backend', scope: 'openid profile email', 'session-interval': '0', 'backend-url': '/api/plain/code' });
  await signInWithPopup(page, 'alice');
  const session = () => page.evaluate(() => fetch('/api/session').then((r) => r.json()));
  expect(await session()).toMatchObject({ active: true });
  await logoutAtOp(context);
  await expect.poll(session, { timeout: 8000 }).toMatchObject({ active: false, ended: 'backchannel-logout' });
});
