import { AqError } from '../errors.js';
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
): { response: Promise<URLSearchParams>; cancel: () => void } {
  let cleanup = () => {};
  const response = new Promise<URLSearchParams>((resolve, reject) => {
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const accept = (data: unknown) => {
      const m = data as Partial<RelayMessage> | null;
      if (m?.type !== 'aq-signin:response' || m.state !== state || typeof m.response !== 'string') return;
      cleanup();
      resolve(new URLSearchParams(m.response));
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

/** Closed by the user: the popup's `gone()` for waitForRelay. */
export function popupClosed(popup: Window): () => AqError | undefined {
  return () => (popup.closed ? new AqError('AQ_POPUP_CLOSED', 'the sign-in popup was closed before the sign-in finished') : undefined);
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
  const message: RelayMessage = { type: 'aq-signin:response', state, response: cb.params.toString() };
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
