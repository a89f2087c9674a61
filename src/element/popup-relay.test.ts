// A file of its own: the relay is once per page load (module state), as in a real popup.
import { expect, it, vi } from 'vitest';
import { resolveConfig } from '../core/config.js';
import { newTransaction } from '../core/authorize.js';
import { saveTransaction } from '../core/transaction.js';
import '../define.js';

it('in the popup (or silent frame) of a sign-in, the element only relays the answer: no client, also after its attributes change', async () => {
  const fetch = vi.fn(async () => Promise.reject(new TypeError('offline in unit tests')));
  vi.stubGlobal('fetch', fetch);
  const close = vi.spyOn(window, 'close').mockImplementation(() => {});
  const tx = newTransaction(resolveConfig({ issuer: 'https://op.example', clientId: 'app' }), 'verifier', 'popup');
  saveTransaction(tx);
  history.replaceState(null, '', `/callback?code=abc&state=${tx.state}`);
  document.body.innerHTML = '<aq-signin issuer="https://op.example" client-id="app"></aq-signin>';
  const el = document.querySelector('aq-signin')!;
  await el.updateComplete;
  el.setAttribute('scope', 'openid email');
  await el.updateComplete;
  // The relay comes with the relying-party chunk, which the element loads as it connects.
  await vi.waitFor(() => expect(close).toHaveBeenCalled(), { timeout: 5000 });
  await new Promise((r) => setTimeout(r, 50));
  // No discovery prefetch, no restore: nothing of a client ran in this window.
  expect(fetch).not.toHaveBeenCalled();
  expect(el.signedIn).toBe(false);
});
