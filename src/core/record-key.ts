import type { AqProfile } from './store.js';

/** Where a client keeps its signed-in user: one record per issuer (its URL's href) and client. */
export function recordKey(issuer: string, clientId: string): string {
  return `aq-signin:user:${issuer}|${clientId}`;
}

/**
 * The profile of the user stored for this issuer and client, read before the relying party has
 * loaded, so that a reloaded page paints "Sign out Alice" at once rather than "Sign in" first.
 * For the label only: nobody is signed in (no `profile`, no `aq-profile`) until restore() has
 * checked the record against its ID token. A record restore() would drop as expired shows nothing.
 */
export function peekProfile(storage: string | undefined, issuer: string | undefined, clientId: string | undefined): AqProfile | undefined {
  // Not through store.ts, whose checks need the ID-token reader of the relying party's chunk: this
  // runs in the first paint, and the restore checks the record anyway.
  try {
    const store = !storage || storage === 'session' ? sessionStorage : storage === 'local' ? localStorage : undefined;
    const record = JSON.parse(store?.getItem(recordKey(new URL(issuer!).href, clientId!)) ?? 'null');
    if (typeof record?.profile?.sub === 'string' && (record.refreshToken || record.expiresAt > Date.now() / 1000)) return record.profile;
  } catch {
    // No issuer yet, storage denied (a sandboxed frame), or not JSON: nothing to show early.
  }
  return undefined;
}
