import { AqError } from '../errors.js';
import { waitForRelay } from '../core/popup.js';
import type { CallbackResponse } from '../core/callback.js';
import type { Transaction } from '../core/transaction.js';
import { dropTransaction, saveTransaction } from '../core/transaction.js';
import { hiddenFrame, onFrameRefused } from './hidden-frame.js';

/** A silent re-check that has not come back by then is given up (the OP may refuse to be framed). */
const SILENT_TIMEOUT_MS = 10_000;

/**
 * Asks the OP, without showing anything, who is signed in: the authorization request `url`
 * (prompt=none) in a hidden iframe that comes back to `redirectUri` on this origin, where the
 * element relays the response. Resolves with that response's validation, `validate`'s result.
 */
export async function silentCheck<T>(url: string, tx: Transaction, redirectUri: string, validate: (response: CallbackResponse) => Promise<T>): Promise<T> {
  saveTransaction(tx);
  // The frame goes to the OP and comes back to the redirect URI: either may be refused.
  let refused: AqError | undefined;
  const unwatchCsp = onFrameRefused([new URL(url).origin, new URL(redirectUri).origin], (why) => {
    refused = new AqError('AQ_SESSION_CHECK_UNAVAILABLE', `the silent re-check failed: ${why}`);
  });
  const frame = hiddenFrame(url, 'session re-check');
  const deadline = Date.now() + SILENT_TIMEOUT_MS;
  const endpoint = url.split('?')[0];
  const timedOut = () => (Date.now() > deadline ? new AqError('AQ_SESSION_CHECK_UNAVAILABLE', `the silent re-check at ${endpoint} did not answer within ${SILENT_TIMEOUT_MS} ms (the OP may refuse to be framed: X-Frame-Options or CSP frame-ancestors)`) : undefined);
  const waiter = waitForRelay(frame.contentWindow!, tx.state, () => refused ?? timedOut());
  try {
    return await validate(await waiter.response);
  } finally {
    unwatchCsp();
    waiter.cancel();
    frame.remove();
    dropTransaction(tx);
  }
}
