/** What `navigator.locks` offers that this module uses, so that tests can hand in their own. */
export interface Locks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * Runs `fn` while holding the app-wide lock `name` (Web Locks: one holder across every tab and
 * worker of this origin, released when the holder's promise settles or its tab goes away).
 * A refresh token is single use under rotation: two tabs redeeming the same one would make the OP
 * revoke the grant (RFC 9700 §4.14.2), so only one tab may hold the refresh at a time. Where the
 * API is missing (older browsers, insecure contexts), `fn` runs at once; the late tab's
 * `invalid_grant` is then caught by re-reading the storage (renewer.ts).
 */
export function withLock<T>(name: string, fn: () => Promise<T>, locks: Locks | undefined = globalThis.navigator?.locks as Locks | undefined): Promise<T> {
  return locks ? locks.request(name, fn) : fn();
}
