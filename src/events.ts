import type { AqError } from './errors.js';
import type { AqProfile } from './core/store.js';

/**
 * Why the user is no longer signed in. `renewal-refused`: the OP refused to renew the tokens
 * (`invalid_grant`: refresh token revoked or expired), or its renewal named another user.
 */
export type AqLogoutReason = 'user' | 'remote' | 'expired' | 'other-tab' | 'renewal-refused';

/** Detail of each event `<aq-signin>` dispatches. */
export interface AqEventDetail {
  'aq-profile': { profile: AqProfile };
  'aq-logout': { reason: AqLogoutReason };
  'aq-error': { error: AqError };
  /** The access token was renewed (here or in another tab); `expiresAt` in seconds since the epoch, when known. */
  'aq-token': { accessToken: string; expiresAt?: number };
  /** With `backend-url`: the backend's answer to the hand-off (`body` parsed as JSON when it is). */
  'aq-backend': { status: number; body: unknown };
}

export type AqEventMap = { [K in keyof AqEventDetail]: CustomEvent<AqEventDetail[K]> };

declare global {
  // So that `el.addEventListener('aq-profile', e => e.detail.profile.email)` type-checks.
  interface GlobalEventHandlersEventMap extends AqEventMap {}
}

/**
 * Dispatches an aq-* event: bubbling and composed, so a listener on `document` hears it from
 * inside any shadow root. The `aq-` prefix keeps a bubbling "error" away from window.onerror.
 */
export function emit<K extends keyof AqEventDetail>(target: EventTarget, type: K, detail: AqEventDetail[K]): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
