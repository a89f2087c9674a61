// Every ID-token check, against a hostile OP that gets exactly one thing wrong per case
// (e2e/hostile/cases.js). Good answers must sign in with the right sub; each bad one must end in
// aq-error with its code and the claim or problem named, no aq-profile, and nothing stored.
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { CASES as PLANS, subjectOf } from './hostile/cases.js';
import type { HostileOp } from './hostile/server.js';
import { startHostileOp } from './hostile/server.js';

const PAGE = '/e2e/hostile/page.html';

// One OP for the file, one case at a time: the tests of this file run in order in one worker.
test.describe.configure({ mode: 'default' });

let hostile: HostileOp;
test.beforeAll(async () => {
  hostile = await startHostileOp({ port: 3300, rpOrigin: 'http://localhost:5174' });
});
test.afterAll(async () => {
  await hostile?.close();
});

interface AqEvent {
  type: 'aq-profile' | 'aq-logout' | 'aq-error' | 'aq-backend' | 'aq-token';
  detail: { profile?: Record<string, unknown>; error?: { code: string; message: string }; reason?: string };
}
type Expected = { accept: true } | { code: string; message: RegExp };

const accepted = (name: string) => ({ name, expected: { accept: true } as const });
const refused = (name: string, code: string, message: RegExp) => ({ name, expected: { code, message } });
const idToken = (name: string, message: RegExp) => refused(name, 'AQ_ID_TOKEN_INVALID', message);

const CASES: { name: string; expected: Expected }[] = [
  accepted('ok-rs256'),
  accepted('ok-es256'),
  accepted('ok-ps256'),
  accepted('ok-eddsa'),
  accepted('ok-eddsa-hybrid'),
  idToken('rsa-key-too-short', /2048/),
  idToken('crit-header', /"crit"/),
  idToken('jwk-use-enc', /no key/),
  accepted('kid-absent-one-key'),
  idToken('kid-absent-several-keys', /"kid"/),
  idToken('bad-signature-rs256', /signature/),
  idToken('bad-signature-es256', /signature/),
  idToken('alg-none', /"alg"/),
  idToken('alg-hs256', /"alg"/),
  idToken('issuer-mismatch', /"iss"/),
  idToken('missing-sub', /"sub"/),
  idToken('aud-wrong', /"aud"/),
  idToken('aud-missing', /"aud"/),
  idToken('aud-several-no-azp', /"aud"|"azp"/),
  idToken('azp-wrong', /"azp"/),
  idToken('iat-missing', /"iat"/),
  idToken('exp-past', /"exp"/),
  idToken('iat-future', /"iat"/),
  idToken('nonce-wrong', /"nonce"/),
  idToken('nonce-missing', /"nonce"/),
  refused('userinfo-other-sub', 'AQ_USERINFO_FAILED', /"sub"/),
  refused('discovery-issuer-mismatch', 'AQ_DISCOVERY_FAILED', /"issuer"/),
  refused('token-error', 'AQ_TOKEN_REQUEST_FAILED', /invalid_grant/),
  refused('token-type-dpop', 'AQ_TOKEN_REQUEST_FAILED', /"token_type"/),
  refused('token-expires-in-not-a-number', 'AQ_TOKEN_REQUEST_FAILED', /"expires_in"/),
  refused('token-redirect', 'AQ_TOKEN_REQUEST_FAILED', /token/),
  idToken('at-hash-wrong-code-flow', /"at_hash"/),
  refused('iss-param-wrong', 'AQ_RESPONSE_INVALID', /"iss"/),
  refused('authorize-error', 'AQ_AUTHORIZATION_ERROR', /access_denied/),
  accepted('ok-implicit'),
  accepted('ok-hybrid'),
  accepted('ok-hybrid-token'),
  idToken('at-hash-wrong', /"at_hash"/),
  idToken('at-hash-missing', /"at_hash"/),
  idToken('c-hash-wrong', /"c_hash"/),
  idToken('c-hash-missing', /"c_hash"/),
  idToken('iat-old-hybrid', /"iat"/),
  idToken('nonce-missing-implicit', /"nonce"/),
  idToken('nonce-missing-hybrid', /"nonce"/),
  idToken('bad-signature-implicit', /signature/),
  idToken('alg-none-implicit', /alg/),
  idToken('aud-wrong-implicit', /"aud"/),
];

/**
 * Clicks the button and resolves with the sign-in's outcome, aq-profile or aq-error, on whichever
 * page it lands (a redirect comes back as a new page with a fresh event list).
 */
async function clickForOutcome(page: Page): Promise<AqEvent> {
  await page.evaluate(() => ((window as any).__aqSeen = (window as any).__aqEvents.length));
  await page.locator('aq-signin button').click();
  const found = await page.waitForFunction(() => {
    const w = window as any;
    return (w.__aqEvents ?? []).slice(w.__aqSeen ?? 0).find((e: AqEvent) => e.type === 'aq-profile' || e.type === 'aq-error');
  });
  return (await found.jsonValue()) as AqEvent;
}

const responseTypeOf = (name: string): string => PLANS[name]?.responseType ?? 'code';

const events = (page: Page): Promise<AqEvent[]> => page.evaluate(() => (window as any).__aqEvents);

const storedUsers = (page: Page) =>
  page.evaluate(() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter((k) => k.startsWith('aq-signin:user:')));

async function open(page: Page, display = 'redirect', responseType = 'code'): Promise<void> {
  await page.goto(`${PAGE}?display=${display}&response_type=${encodeURIComponent(responseType)}`);
  await expect(page.locator('aq-signin button')).toBeVisible();
}

async function expectSignedIn(page: Page, outcome: AqEvent, name: string): Promise<void> {
  expect(outcome.detail.error, 'a good token was refused').toBeUndefined();
  expect(outcome.type).toBe('aq-profile');
  expect(outcome.detail.profile).toMatchObject({ sub: subjectOf(name), email: `${name}@hostile.example` });
  expect(await storedUsers(page)).toHaveLength(1);
  await expect(page.locator('aq-signin')).toHaveAttribute('signed-in', '');
}

for (const { name, expected } of CASES) {
  test(`${name}: ${'accept' in expected ? 'signed in' : `${expected.code} naming ${expected.message}`}`, async ({ page }) => {
    hostile.setCase(name);
    await open(page, 'redirect', responseTypeOf(name));
    const outcome = await clickForOutcome(page);
    if ('accept' in expected) return expectSignedIn(page, outcome, name);
    expect(outcome.type, `a bad answer was accepted: ${JSON.stringify(outcome.detail)}`).toBe('aq-error');
    expect(outcome.detail.error?.code).toBe(expected.code);
    expect(outcome.detail.error?.message).toMatch(expected.message);
    expect((await events(page)).filter((e) => e.type === 'aq-profile')).toEqual([]);
    expect(await storedUsers(page)).toEqual([]);
    await expect(page.locator('aq-signin')).not.toHaveAttribute('signed-in');
    expect(hostile.redirectedTokenRequests, 'the code and verifier followed a redirect').toBe(0);
  });
}

// rp-key-rotation-op-sign-key. In a popup the second sign-in is validated by the same page, which
// still holds the JWKS of the first: it must refetch on the unknown kid (docs/security.md). By redirect
// the page comes back freshly loaded, with the new JWKS prefetched.
const signedInKid = (page: Page) =>
  page.evaluate(() => JSON.parse(atob(document.querySelector('aq-signin')!.idToken!.split('.')[0].replace(/-/g, '+').replace(/_/g, '/'))).kid);

for (const display of ['popup', 'redirect']) {
  test(`key-rotation (${display}): after the OP rotates from kid A to kid B a second sign-in is accepted`, async ({ page }) => {
    hostile.setCase('key-rotation');
    await open(page, display);
    await expectSignedIn(page, await clickForOutcome(page), 'key-rotation');
    expect(await signedInKid(page)).toBe('rsa-a');

    hostile.rotateKeys();
    await page.locator('aq-signin button').click(); // sign out
    await expect(page.locator('aq-signin')).not.toHaveAttribute('signed-in');
    await expectSignedIn(page, await clickForOutcome(page), 'key-rotation');
    expect(await signedInKid(page)).toBe('rsa-b');
  });
}

// Renewal (docs/tokens.md): the OP's access tokens live 10 s, renewed after 7.5 s by refresh token.
test('ok-refresh: the renewal is taken, with aq-token only', async ({ page }) => {
  hostile.setCase('ok-refresh');
  await open(page);
  await expectSignedIn(page, await clickForOutcome(page), 'ok-refresh');
  await page.waitForFunction(() => (window as any).__aqEvents.some((e: AqEvent) => e.type === 'aq-token'), undefined, { timeout: 12_000 });
  expect((await events(page)).map((e) => e.type)).toEqual(['aq-profile', 'aq-token']);
});

test('refresh-other-sub: a renewal whose ID token names another user signs out ("renewal-refused")', async ({ page }) => {
  hostile.setCase('refresh-other-sub');
  await open(page);
  await expectSignedIn(page, await clickForOutcome(page), 'refresh-other-sub');
  await page.waitForFunction(() => (window as any).__aqEvents.some((e: AqEvent) => e.type === 'aq-logout'), undefined, { timeout: 12_000 });
  const after = (await events(page)).slice(1);
  expect(after.map((e) => e.type)).toEqual(['aq-error', 'aq-logout']);
  expect(after[0].detail.error?.code).toBe('AQ_ID_TOKEN_INVALID');
  expect(after[0].detail.error?.message).toMatch(/"sub" "someone-else"/);
  expect(after[1].detail.reason).toBe('renewal-refused');
  expect(await storedUsers(page)).toEqual([]);
  await expect(page.locator('aq-signin')).not.toHaveAttribute('signed-in');
});
