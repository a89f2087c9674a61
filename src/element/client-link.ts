import { parseCallback } from '../core/callback.js';
import { AqClient } from '../core/client.js';
import type { AqClientOptions } from '../core/config.js';
import { resolveConfig } from '../core/config.js';

// How the element holds its client. In the relying-party chunk: nothing of it runs before a
// client exists, so the button paints without it (docs/size-and-speed.md: first paint).

/** What the client reports without a call (remote sign-out, other tabs, expiry), which the element re-dispatches. */
const CLIENT_EVENTS = ['aq-profile', 'aq-logout', 'aq-error', 'aq-backend', 'aq-token'] as const;

/** A client for `options` whose events go to `forward`. Throws an AqError on an invalid configuration. */
export function linkClient(options: AqClientOptions, forward: (e: Event) => void): AqClient {
  const client = new AqClient(options);
  for (const type of CLIENT_EVENTS) client.addEventListener(type, forward);
  return client;
}

/** Drops `client`: its events no longer reach the element, and it stops what it runs. */
export function unlinkClient(client: AqClient, forward: (e: Event) => void): void {
  for (const type of CLIENT_EVENTS) client.removeEventListener(type, forward);
  client.dispose();
}

/**
 * Whether `options` come to `client`'s configuration (a default spelled out changes nothing). A
 * configuration now invalid differs: the next client reports it.
 */
export function sameConfig(client: AqClient, options: AqClientOptions): boolean {
  try {
    return JSON.stringify(client.config) === JSON.stringify(resolveConfig(options));
  } catch {
    return false;
  }
}

/**
 * What a new client does first: prefetch discovery and keys, then a redirect coming back, else a
 * stored user; the client's events carry the outcome. Busy only when there is an answer to
 * process: no "Signing in…" flash on every page load. And not busy no more only if busy for this:
 * a click before the chunk is in may be signing in meanwhile.
 */
export async function startClient(client: AqClient, busy: (busy: boolean) => void, fail: (err: unknown) => void): Promise<void> {
  client.prefetch().catch(fail);
  const answering = !!parseCallback(location.href);
  if (answering) busy(true);
  try {
    if (await client.handleRedirectCallback()) return;
  } catch (err) {
    fail(err);
  } finally {
    if (answering) busy(false);
  }
  client.restore();
}
