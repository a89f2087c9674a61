import { AqError } from '../errors.js';
import type { CallbackResponse } from './callback.js';
import { cleanLocation, parseCallback } from './callback.js';
import { isPopupState } from './transaction.js';

const CHANNEL = 'aq-signin';
/** How often to look whether the user closed the popup: closing is reported within about a second. */
const CLOSED_POLL_MS = 250;
/** The relay message may still be in flight when the popup closes itself. */
const CLOSED_GRACE_MS = 300;

interface RelayMessage {
  type: 'aq-signin:response';
  state: string;
  response: string;
  /** Where the popup found it: the opener checks it against the response_mode asked for. */
  from: CallbackResponse['from'];
}

/**
 * Waits for the answer for `state` from a popup or a hidden iframe. Two relays, whichever arrives
 * first: a same-origin BroadcastChannel, which survives a Cross-Origin-Opener-Policy on the OP
 * that severs `window.opener`, and `postMessage` from that window itself. `gone()` tells when the
 * window can no longer answer (the user closed the popup).
 */
export function waitForRelay(
  source: Window,
  state: string,
  gone: () => AqError | undefined,
): { response: Promise<CallbackResponse>; cancel: () => void } {
  let cleanup = () => {};
  const response = new Promise<CallbackResponse>((resolve, reject) => {
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const accept = (data: unknown) => {
      const m = data as Partial<RelayMessage> | null;
      if (m?.type !== 'aq-signin:response' || m.state !== state || typeof m.response !== 'string' || (m.from !== 'query' && m.from !== 'fragment')) return;
      cleanup();
      resolve({ params: new URLSearchParams(m.response), from: m.from });
    };
    const onChannel = (e: MessageEvent) => accept(e.data);
    // Only our own origin and only the window we opened: a page that frames or opens us cannot inject a response.
    const onMessage = (e: MessageEvent) => {
      if (e.origin === location.origin && e.source === source) accept(e.data);
    };
    const timer = setInterval(() => {
      const error = grace ? undefined : gone();
      if (!error) return;
      grace = setTimeout(() => {
        cleanup();
        reject(error);
      }, CLOSED_GRACE_MS);
    }, CLOSED_POLL_MS);
    cleanup = () => {
      clearInterval(timer);
      clearTimeout(grace);
      channel?.close();
      window.removeEventListener('message', onMessage);
    };
    channel?.addEventListener('message', onChannel);
    window.addEventListener('message', onMessage);
  });
  return { response, cancel: () => cleanup() };
}

/**
 * How long a sign-in waits for a popup that reads as closed but may only be hidden from us (see
 * popupClosed): the user may still be typing a password, waiting for a push or an e-mail link.
 */
export const POPUP_DEADLINE_MS = 10 * 60 * 1000;

/**
 * The popup's `gone()` for waitForRelay. `closed` is a hint, not a verdict: a
 * Cross-Origin-Opener-Policy on the OP's page (`same-origin`, `same-origin-allow-popups`) or on
 * this page (`same-origin`) moves the popup into another browsing context group as soon as it
 * shows another origin's page, and from then on the opener reads `closed === true` while the user
 * is still at the OP (HTML, "browsing context group switches due to COOP"; Chromium does it at
 * the commit of that first page). The popup comes back to our origin and answers over the
 * BroadcastChannel, which ignores opener links. No API tells a severed popup from a closed one,
 * so:
 * - seen open on a page other than its initial about:blank (at two checks in a row), then closed:
 *   nothing severed it on the way there, and it is very likely the user who closed it: reported
 *   at once, as ever.
 * - closed without ever having shown such a page (severed at the OP's first page, or closed
 *   before the OP answered): waited for up to `deadline` ms from now. A new sign-in supersedes
 *   the wait meanwhile (AqClient.signIn).
 * oidc-client-ts 3.3 stopped failing on `closed` for this reason and waits without a bound;
 * auth0-spa-js still fails on it (its issue #1418). A bound keeps the button from waiting forever.
 */
export function popupClosed(popup: Window, deadline = POPUP_DEADLINE_MS): () => AqError | undefined {
  const until = Date.now() + deadline;
  // Seen on a page at two checks in a row: the OP's location turns unreadable at the commit of its
  // first page, and a COOP severance decided at that same commit may reach this page a moment
  // later; a popup still open one check after that was not severed there.
  let seenOnAPage = 0;
  return () => {
    if (!popup.closed) {
      if (showsAPage(popup)) seenOnAPage++;
      return undefined;
    }
    if (seenOnAPage >= 2) return new AqError('AQ_POPUP_CLOSED', 'the sign-in popup was closed before the sign-in finished');
    if (Date.now() < until) return undefined;
    return new AqError(
      'AQ_POPUP_CLOSED',
      `the sign-in popup was closed, or did not come back within ${deadline / 60_000} minutes (a Cross-Origin-Opener-Policy hides from this page whether it is still open)`,
    );
  };
}

/** True once the popup has left its initial about:blank: another origin's page (unreadable) or ours. */
function showsAPage(popup: Window): boolean {
  try {
    return popup.location.href !== 'about:blank';
  } catch {
    return true;
  }
}

/**
 * Runs in the popup (or the hidden iframe of a silent session check) when the OP sends it back to
 * the redirect URI: hands the response to the opener (or parent) and closes. Returns false when this page load is not a popup callback. Both the
 * script-tag entry and every element call it; only the first call relays.
 */
let relayed = false;

export function relayPopupResponse(): boolean {
  if (relayed) return true;
  const cb = parseCallback(location.href);
  const state = cb?.params.get('state');
  if (!cb || !state || !isPopupState(state)) return false;
  relayed = true;
  const message: RelayMessage = { type: 'aq-signin:response', state, response: cb.params.toString(), from: cb.from };
  cleanLocation();
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  }
  for (const target of [window.opener as Window | null, window.parent === window ? null : window.parent]) {
    try {
      target?.postMessage(message, location.origin);
    } catch {
      // A severed or cross-origin opener: the BroadcastChannel above carries the answer.
    }
  }
  window.close();
  return true;
}
