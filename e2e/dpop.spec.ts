// DPoP (RFC 9449) in real Chromium against a real OP that binds tokens (oidc-provider 9, the tokens
// OP): the key pair is non-extractable, kept in IndexedDB over reloads, replaced after sign-out,
// and a token taken out of the page is refused by the OP's userinfo without the key.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import * as oauth from 'oauth4webapi';
import { freePort } from '../scripts/free-port.mjs';
// @ts-expect-error plain JS OP
import { startTokensOp } from './ops/tokens-op.js';
import { OP as DEV_OP, nextEvent, openSignin, signInWithPopup, test } from './fixtures';

interface OpRequest { method: string; path: string; query: string; status: number; dpop: boolean; error?: string }
let op: { issuer: string; provider: any; requests: OpRequest[]; close(): Promise<void> };

test.beforeAll(async () => {
  op = await startTokensOp({ port: await freePort(), rpOrigins: ['http://localhost:5174'] });
});
test.afterAll(() => op.close());

const attrs = (more: Record<string, string> = {}) => ({ issuer: op.issuer, 'client-id': 'tokens', scope: 'openid profile email', ...more });

/** The DPoP key pairs this origin keeps: RFC 7638 thumbprint of each public key, and whether the private key can be read out. */
function keysIn(page: Page) {
  return page.evaluate(async () => {
    // Opened without making it: a database made here, empty, would be the one the page finds.
    const db = await new Promise<IDBDatabase | null>((resolve) => {
      const open = indexedDB.open('aq-signin');
      open.onupgradeneeded = () => open.transaction!.abort();
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => resolve(null);
    });
    if (!db) return [];
    if (!db.objectStoreNames.contains('dpop-keys')) return (db.close(), []);
    const pairs = await new Promise<CryptoKeyPair[]>((resolve) => {
      const all = db.transaction('dpop-keys').objectStore('dpop-keys').getAll();
      all.onsuccess = () => resolve(all.result);
    });
    db.close();
    return Promise.all(pairs.map(async ({ publicKey, privateKey }) => {
      const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify({ crv, kty, x, y }))));
      const jkt = btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const exported = await crypto.subtle.exportKey('jwk', privateKey).then(() => 'exported', (err: Error) => err.name);
      return { jkt, extractable: privateKey.extractable, exported };
    }));
  });
}

const accessToken = (page: Page) => page.evaluate(() => document.querySelector('aq-signin')!.accessToken!);

/** What the OP bound the token to (RFC 9449 §6: its cnf.jkt), or undefined for a Bearer token. */
async function boundTo(token: string): Promise<string | undefined> {
  const found = await op.provider.AccessToken.find(token);
  expect(found, 'the OP knows the token').toBeTruthy();
  return found.jkt;
}

test('sign-in binds the tokens to a non-extractable key kept in IndexedDB; userinfo goes with a proof', async ({ page }) => {
  await openSignin(page, attrs());
  // The key is made as discovery arrives, and its thumbprint right after: a click before that
  // goes without dpop_jkt (the popup cannot wait), which is not what this test looks at.
  await expect.poll(() => keysIn(page).then((k) => k.length)).toBe(1);
  const from = op.requests.length;
  const { detail } = await signInWithPopup(page, 'dora');
  const requests = op.requests.slice(from);
  // name comes from userinfo only (the OP keeps profile claims out of the ID token): it answered the DPoP-bound token.
  expect(detail.profile).toMatchObject({ sub: 'dora', name: 'Dora Tokens' });
  const keys = await keysIn(page);
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatchObject({ extractable: false, exported: 'InvalidAccessError' });
  expect(await boundTo(await accessToken(page))).toBe(keys[0].jkt);
  expect(requests.filter((r) => r.path === '/me' && r.method === 'GET')).toEqual([expect.objectContaining({ status: 200, dpop: true })]);
  // The authorization request named the key (dpop_jkt, RFC 9449 §10), the token request proved it.
  const authorize = requests.find((r) => r.path === '/auth');
  expect(new URLSearchParams(authorize!.query).get('dpop_jkt')).toBe(keys[0].jkt);
  expect(requests.filter((r) => r.path === '/token' && r.method === 'POST')).toEqual([expect.objectContaining({ status: 200, dpop: true })]);
});

test('a reload keeps the key; sign-out deletes it and the next sign-in makes a new one', async ({ page }) => {
  await openSignin(page, attrs({ 'api-origins': op.issuer }));
  await signInWithPopup(page, 'erin');
  const [before] = await keysIn(page);
  await page.reload();
  expect((await nextEvent(page, 'aq-profile')).detail.profile.sub).toBe('erin');
  expect(await keysIn(page)).toEqual([before]);
  expect(await boundTo(await accessToken(page))).toBe(before.jkt);
  // The restored token still works: fetch() proves the key it was bound to, kept over the reload.
  const from = op.requests.length;
  const status = await page.evaluate((me) => document.querySelector('aq-signin')!.fetch(me).then((r) => r.status), `${op.issuer}/me`);
  expect(status).toBe(200);
  expect(op.requests.slice(from).filter((r) => r.path === '/me' && r.method === 'GET')).toEqual([expect.objectContaining({ status: 200, dpop: true })]);

  await page.locator('aq-signin button').click();
  await nextEvent(page, 'aq-logout');
  await expect.poll(() => keysIn(page).then((k) => k.map((x) => x.jkt))).not.toContain(before.jkt);
  await signInWithPopup(page, 'erin');
  const after = await keysIn(page);
  expect(after).toHaveLength(1);
  expect(after[0].jkt).not.toBe(before.jkt);
  expect(await boundTo(await accessToken(page))).toBe(after[0].jkt);
});

test('a new per-tab key sweeps the keys of tabs unused for 30 days, and only those', async ({ page, context }) => {
  await openSignin(page, attrs());
  await expect.poll(() => keysIn(page).then((k) => k.length)).toBe(1);
  // Left behind: a tab's key last used 31 days ago, one used yesterday, and a storage="local" key (never swept).
  const planted = await page.evaluate(async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const day = 86_400_000;
    const entries: [string, object][] = [['old|tab', { ...pair, usedAt: Date.now() - 31 * day }], ['recent|tab', { ...pair, usedAt: Date.now() - day }], ['local', pair]];
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = indexedDB.open('aq-signin');
      open.onsuccess = () => resolve(open.result);
    });
    await new Promise<void>((resolve) => {
      const tx = db.transaction('dpop-keys', 'readwrite');
      for (const [name, value] of entries) tx.objectStore('dpop-keys').put(value, name);
      tx.oncomplete = () => resolve();
    });
    db.close();
    return entries.length;
  });
  expect(await keysIn(page)).toHaveLength(1 + planted);
  // Another tab: its own sessionStorage, so a key of its own, made now.
  const other = await context.newPage();
  await openSignin(other, attrs());
  const stored = () => other.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = indexedDB.open('aq-signin');
      open.onsuccess = () => resolve(open.result);
    });
    return new Promise<string[]>((resolve) => {
      const keys = db.transaction('dpop-keys').objectStore('dpop-keys').getAllKeys();
      keys.onsuccess = () => (db.close(), resolve(keys.result.map(String)));
    });
  });
  // Its key is stored and the sweep done in one transaction: once there are two tabs' keys, the
  // sweep has run. (Their number alone cannot tell: one in, one swept, the same count.)
  await expect.poll(async () => (await stored()).filter((n) => n.includes('|tokens|')).length).toBe(2);
  const names = await stored();
  expect(names).not.toContain('old|tab');
  expect(names).toEqual(expect.arrayContaining(['recent|tab', 'local']));
});

test('an OP that asks for a DPoP nonce: the token request is sent again with it, once', async ({ page }) => {
  await openSignin(page, attrs({ 'client-id': 'tokens-nonce' }));
  const from = op.requests.length;
  await signInWithPopup(page, 'nina');
  const tokenRequests = op.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/token');
  expect(tokenRequests.map((r) => [r.status, r.error ?? null])).toEqual([[400, 'use_dpop_nonce'], [200, null]]);
  const [key] = await keysIn(page);
  expect(await boundTo(await accessToken(page))).toBe(key.jkt);
});

test('a token taken out of the page is refused by the OP without the key, with or without another proof', async ({ page }) => {
  await openSignin(page, attrs());
  await signInWithPopup(page, 'mallory');
  const token = await accessToken(page);
  const as = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as oauth.AuthorizationServer;
  const client = { client_id: 'tokens' };
  const insecure = { [oauth.allowInsecureRequests]: true };
  const userinfo = async (options: oauth.UserInfoRequestOptions) => (await oauth.userInfoRequest(as, client, token, { ...insecure, ...options })).status;

  // As a plain Bearer token.
  expect(await userinfo({})).toBe(401);
  // With a proof of a key of the thief's own.
  const thief = oauth.DPoP({}, await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']) as CryptoKeyPair);
  expect(await userinfo({ DPoP: thief })).toBe(401);
  expect(op.requests.filter((r) => r.path === '/me').slice(-2).map((r) => r.error)).toEqual(['invalid_token', 'invalid_token']);
});

test('a renewal by refresh token goes with a proof of the same key, and the new access token is bound to it', async ({ page }) => {
  await openSignin(page, attrs({ 'client-id': 'tokens-refresh', scope: 'openid profile offline_access', prompt: 'consent', 'session-interval': '0' }));
  const from = op.requests.length;
  await signInWithPopup(page, 'rhea');
  const [key] = await keysIn(page);
  const first = await accessToken(page);
  // The OP's access tokens for this client live 10 s: renewed after 7.5.
  const renewed = await nextEvent(page, 'aq-token', 1, 15_000);
  expect(renewed.detail.accessToken).not.toBe(first);
  expect(await boundTo(renewed.detail.accessToken)).toBe(key.jkt);
  const tokenRequests = op.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/token');
  expect(tokenRequests).toEqual([expect.objectContaining({ status: 200, dpop: true }), expect.objectContaining({ status: 200, dpop: true })]);
});

test('dpop="off": a Bearer token and no key stored', async ({ page }) => {
  await openSignin(page, attrs({ dpop: 'off' }));
  await signInWithPopup(page, 'bea');
  expect(await boundTo(await accessToken(page))).toBeUndefined();
  expect(await keysIn(page)).toEqual([]);
});

test('dpop="required" with an OP that does not offer DPoP: AQ_CONFIG_INVALID at load', async ({ page }) => {
  await openSignin(page, { issuer: DEV_OP, 'client-id': 'demo', dpop: 'required' });
  const { detail } = await nextEvent(page, 'aq-error');
  expect(detail.error).toMatchObject({ code: 'AQ_CONFIG_INVALID', message: expect.stringMatching(/"dpop" is "required".*dpop_signing_alg_values_supported/) });
});
