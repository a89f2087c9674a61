import { AqError } from '../errors.js';
import type { CallbackResponse } from './callback.js';
import { cleanLocation, parseCallback } from './callback.js';
import type { Transaction } from './transaction.js';
import { isPopupState, saveTransaction, takeRedirectTransaction } from './transaction.js';

/** Leaves the page for the OP; the answer comes back to the redirect URI in this same tab. */
export function startRedirect(url: string, tx: Transaction): void {
  saveTransaction(tx);
  location.assign(url);
}

// Several elements (or an element and an SPA client) may share a page: one of them takes the response.
let taken = false;

/**
 * The redirect response in this page's URL, with its transaction taken out of storage (single
 * use). Undefined when there is no response, it belongs to a popup or to another client. Once
 * taken, the response is removed from the address bar, so a reload cannot replay it.
 */
export function takeRedirectResponse(mine: (tx: Transaction) => boolean): { response: CallbackResponse; tx: Transaction } | undefined {
  if (taken) return undefined;
  const cb = parseCallback(location.href);
  const state = cb?.params.get('state');
  if (!cb || !state || isPopupState(state)) return undefined;
  const tx = takeRedirectTransaction(state, mine);
  if (tx === 'other') return undefined;
  taken = true;
  cleanLocation();
  if (tx === 'unknown') {
    throw new AqError('AQ_STATE_INVALID', 'the authorization response\'s "state" matches no sign-in pending in this tab (a reloaded or replayed callback URL?); sign in again');
  }
  return { response: cb, tx };
}
