import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import { isLoopback, urlOf } from './config.js';
import type { Discovered } from './oauth.js';

export type { Discovered } from './oauth.js';

// One fetch per issuer for the page's lifetime; a failed fetch is forgotten so a later click retries.
const cache = new Map<string, Promise<Discovered>>();
const ready = new Map<string, Discovered>();

const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'end_session_endpoint', 'check_session_iframe'] as const;

/**
 * oauth4webapi checks the document's issuer (OIDC Discovery §4.3) and the protocol of each
 * endpoint when it is used; the endpoints it never calls (check_session_iframe, the end-session
 * page) are checked here, with the rest, before anything is trusted: https like the issuer, plain
 * http only when both are on loopback, for development. Codes and tokens never travel in clear.
 */
function checkEndpoints(issuer: URL, as: oauth.AuthorizationServer): void {
  for (const key of ENDPOINTS) {
    const value = as[key];
    if (value === undefined && !['authorization_endpoint', 'token_endpoint', 'jwks_uri'].includes(key)) continue;
    const url = urlOf(value);
    if (!url) throw new Error(`its "${key}" is ${value === undefined ? 'missing' : `not a URL: ${JSON.stringify(value)}`}`);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url) && isLoopback(issuer))) {
      throw new Error(`its "${key}" ${url.href} does not use https`);
    }
  }
}

/**
 * The OP's keys, fetched ahead of the callback and handed to oauth4webapi as its `jwksCache`, so
 * that the page coming back from the OP waits for no key. oauth4webapi has no call that only
 * fetches a JWKS; it validates what it is given (JSON object, `keys` of objects) as it would its own.
 */
async function fetchJwks(jwksUri: string): Promise<oauth.ExportedJWKSCache> {
  const response = await fetch(jwksUri, { headers: { accept: 'application/json, application/jwk-set+json' }, redirect: 'manual' });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  const jwks = (await response.json()) as oauth.JWKS;
  if (!Array.isArray(jwks?.keys)) throw new Error('no "keys" array');
  return { jwks, uat: Math.floor(Date.now() / 1000) };
}

/** oauth4webapi's message names the check; the URL says which document. */
function failed(url: string, err: unknown, issuer: URL): AqError {
  const why = err instanceof oauth.OperationProcessingError && err.code === oauth.JSON_ATTRIBUTE_COMPARISON
    ? `its "issuer" is ${JSON.stringify((err.cause as { body?: { issuer?: unknown } }).body?.issuer)}, expected "${issuer.href}"`
    : err instanceof Error ? err.message : String(err);
  return new AqError('AQ_DISCOVERY_FAILED', `${url} failed: ${why}`, { cause: err });
}

async function load(issuer: URL): Promise<Discovered> {
  const insecure = isLoopback(issuer);
  const url = new URL('.well-known/openid-configuration', issuer.href.endsWith('/') ? issuer : `${issuer.href}/`).href;
  let as: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', [oauth.allowInsecureRequests]: insecure });
    as = await oauth.processDiscoveryResponse(issuer, response);
    checkEndpoints(issuer, as);
  } catch (err) {
    throw failed(`discovery at ${url}`, err, issuer);
  }
  try {
    return { as, jwks: await fetchJwks(as.jwks_uri!), insecure };
  } catch (err) {
    throw failed(`JWKS at ${as.jwks_uri}`, err, issuer);
  }
}

/** How long a tab reuses what it fetched: five minutes, as oauth4webapi keeps a JWKS fresh. */
const KEEP_S = 300;
const STORED = 'aq-signin:discovery:';

/**
 * What this tab fetched a moment ago, before it went to the OP: the page that comes back from a
 * redirect then waits for nothing but the token request. sessionStorage: this tab, this origin.
 */
function stored(issuer: URL): Discovered | undefined {
  try {
    const d = JSON.parse(sessionStorage.getItem(STORED + issuer.href) ?? 'null') as Discovered | null;
    // Checked again as if fetched (storage is the page's to change): about this issuer, its
    // endpoints https, keys of objects, and fetched within the last five minutes, not "later".
    const age = Date.now() / 1000 - (d?.jwks?.uat ?? NaN);
    if (!d || !(age >= -60 && age < KEEP_S) || urlOf(d.as?.issuer)?.href !== issuer.href) return undefined;
    if (!Array.isArray(d.jwks.jwks?.keys) || !d.jwks.jwks.keys.every((k) => typeof k === 'object' && k !== null)) return undefined;
    checkEndpoints(issuer, d.as);
    return { as: d.as, jwks: d.jwks, insecure: isLoopback(issuer) };
  } catch {
    // Unreadable or refused: fetch again.
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
