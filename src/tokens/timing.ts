import type { SignedInRecord } from '../core/store.js';

/** The longest head start a renewal takes, seconds: enough for a slow network and a retry. */
const MARGIN = 30;
/** A token with less than this left (seconds) is renewed before `getAccessToken()` hands it out. */
export const MIN_LEFT = 5;

/**
 * When `record` is due for renewal, seconds since the epoch: its access token's expiry (else its
 * ID token's) minus 30 s, or minus a quarter of a shorter remaining lifetime (a 10 s token renews
 * after 7.5 s), so that short-lived tokens are not renewed the moment they arrive. Without a
 * refresh token only the ID token's expiry counts: a silent renewal in a hidden frame is costly,
 * done only to keep the user signed in (or when the page asks for a token).
 */
export function renewalDue(record: SignedInRecord, now = Date.now() / 1000): number {
  const end = (record.refreshToken && record.accessExpiresAt) || record.expiresAt;
  return end - Math.min(MARGIN, Math.max(0, end - now) / 4);
}

/** Whether `record`'s access token can still be handed out as it is. */
export function fresh(record: SignedInRecord, now = Date.now() / 1000): boolean {
  return !record.accessExpiresAt || record.accessExpiresAt - now > MIN_LEFT;
}

/**
 * Milliseconds before retry `attempt` (0-based) of a renewal that could not reach the OP:
 * 2 s, 4 s, 8 s … up to a minute, with up to 20 % less at random so that the tabs and devices an
 * outage stopped together do not come back together.
 */
export function backoff(attempt: number, random = Math.random()): number {
  return Math.min(60_000, 2000 * 2 ** attempt) * (1 - random / 5);
}
