import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import { isLoopback } from './config.js';

export interface Discovered {
  as: oauth.AuthorizationServer;
  /** oauth4webapi's JWKS cache, filled ahead of the callback so that validation waits for nothing. */
  jwksCache: oauth.ExportedJWKSCache;
}

// One fetch per issuer for the page's lifetime; a failed fetch is forgotten so a later click retries.
const cache = new Map<string, Promise<Discovered>>();
const ready = new Map<string, Discovered>();

/** Options oauth4webapi needs for every request to this issuer (plain http only on loopback). */
export function httpOptions(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  return isLoopback(issuer) ? { [oauth.allowInsecureRequests]: true } : {};
}

async function load(issuer: URL): Promise<Discovered> {
  const url = new URL('.well-known/openid-configuration', issuer.href.endsWith('/') ? issuer : `${issuer.href}/`);
  let as: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...httpOptions(issuer) });
    // Refuses a document whose "issuer" differs from the configured one (OIDC Discovery §4.3).
    as = await oauth.processDiscoveryResponse(issuer, response);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AqError('AQ_DISCOVERY_FAILED', `discovery at ${url.href} failed: ${why}`, { cause: err });
  }
  for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    if (!as[key]) throw new AqError('AQ_DISCOVERY_FAILED', `discovery at ${url.href} has no "${key}"`);
  }
  let jwks: oauth.JWKS;
  try {
    jwks = await fetchJwks(as.jwks_uri!);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AqError('AQ_DISCOVERY_FAILED', `JWKS at ${as.jwks_uri} failed: ${why}`, { cause: err });
  }
  return { as, jwksCache: { jwks, uat: Math.floor(Date.now() / 1000) } };
}

/** The OP's public keys (RFC 7517 §5). */
export async function fetchJwks(uri: string): Promise<oauth.JWKS> {
  const response = await fetch(uri, { headers: { accept: 'application/json, application/jwk-set+json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const jwks = await response.json();
  if (!Array.isArray(jwks?.keys)) throw new Error('no "keys" array');
  return jwks;
}

/** How long a tab reuses what it fetched: oauth4webapi's freshness for a JWKS, five minutes. */
const KEEP_S = 300;
const STORED = 'aq-signin:discovery:';

/**
 * What this tab fetched a moment ago, before it went to the OP: the page that comes back from a
 * redirect then waits for nothing but the token request. sessionStorage: this tab, this origin.
 */
function stored(issuer: URL): Discovered | undefined {
  try {
    const d = JSON.parse(sessionStorage.getItem(STORED + issuer.href) ?? 'null') as Discovered | null;
    if (d && d.as?.issuer && Array.isArray(d.jwksCache?.jwks?.keys) && Date.now() / 1000 - d.jwksCache.uat < KEEP_S) return d;
  } catch {
    // Unreadable: fetch again.
  }
  return undefined;
}

function store(issuer: URL, d: Discovered): void {
  try {
    sessionStorage.setItem(STORED + issuer.href, JSON.stringify(d));
  } catch {
    // Storage full or off: the next page load fetches again.
  }
}

/** Discovery + JWKS for an issuer, fetched once and shared by every element and client on the page. */
export function discover(issuer: URL): Promise<Discovered> {
  const key = issuer.href;
  let pending = cache.get(key);
  const kept = pending ? undefined : stored(issuer);
  if (kept) {
    ready.set(key, kept);
    pending = Promise.resolve(kept);
    cache.set(key, pending);
  }
  if (!pending) {
    pending = load(issuer).then(
      (d) => (ready.set(key, d), store(issuer, d), d),
      (err) => {
        cache.delete(key);
        throw err;
      },
    );
    cache.set(key, pending);
  }
  return pending;
}

/** The discovered metadata if it has already arrived: the popup must open without awaiting anything. */
export function discovered(issuer: URL): Discovered | undefined {
  return ready.get(issuer.href);
}
