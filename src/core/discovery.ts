import { AqError } from '../errors.js';
import { isLoopback, urlOf } from './config.js';
import { getObject, isObject } from './http.js';
import type { Jwk, Jwks } from './jws.js';

/** The members of the OP's discovery document this client uses (OIDC Discovery §3, Session Management, RFC 9207). */
export interface Metadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  check_session_iframe?: string;
  authorization_response_iss_parameter_supported?: boolean;
}

export interface Discovered {
  as: Metadata;
  /** The OP's keys, fetched ahead of the callback so that validation waits for nothing. */
  jwks: Jwks;
  /** When the keys were fetched, in seconds since the epoch. */
  fetchedAt: number;
}

// One fetch per issuer for the page's lifetime; a failed fetch is forgotten so a later click retries.
const cache = new Map<string, Promise<Discovered>>();
const ready = new Map<string, Discovered>();

const REQUIRED = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;
const OPTIONAL = ['userinfo_endpoint', 'end_session_endpoint', 'check_session_iframe'] as const;

/**
 * The document must be about the configured issuer (OIDC Discovery §4.3: otherwise another OP could
 * impersonate it), and every endpoint must use https like the issuer: tokens and codes never travel
 * in clear text. Plain http is accepted only on loopback, for development.
 */
function checkMetadata(issuer: URL, doc: Record<string, unknown>): Metadata {
  if (urlOf(doc.issuer)?.href !== issuer.href) {
    throw new Error(`its "issuer" is ${JSON.stringify(doc.issuer)}, expected "${issuer.href}"`);
  }
  for (const key of [...REQUIRED, ...OPTIONAL]) {
    if (doc[key] === undefined && !(REQUIRED as readonly string[]).includes(key)) continue;
    const url = urlOf(doc[key]);
    if (!url) throw new Error(`its "${key}" is ${doc[key] === undefined ? 'missing' : `not a URL: ${JSON.stringify(doc[key])}`}`);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url) && isLoopback(issuer))) {
      throw new Error(`its "${key}" ${url.href} does not use https`);
    }
  }
  return doc as unknown as Metadata;
}

async function load(issuer: URL): Promise<Discovered> {
  const url = new URL('.well-known/openid-configuration', issuer.href.endsWith('/') ? issuer : `${issuer.href}/`);
  let as: Metadata;
  try {
    as = checkMetadata(issuer, await getObject(url.href));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AqError('AQ_DISCOVERY_FAILED', `discovery at ${url.href} failed: ${why}`, { cause: err });
  }
  let jwks: Jwks;
  try {
    jwks = await fetchJwks(as.jwks_uri);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AqError('AQ_DISCOVERY_FAILED', `JWKS at ${as.jwks_uri} failed: ${why}`, { cause: err });
  }
  return { as, jwks, fetchedAt: Math.floor(Date.now() / 1000) };
}

/** The OP's public keys (RFC 7517 §5). */
export async function fetchJwks(uri: string): Promise<Jwks> {
  const jwks = await getObject(uri);
  if (!Array.isArray(jwks.keys)) throw new Error('no "keys" array');
  // Members that are not objects cannot be keys: dropped here, so key selection never trips on them.
  return { keys: jwks.keys.filter(isObject) as Jwk[] };
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
    if (d && d.as?.issuer && Array.isArray(d.jwks?.keys) && Date.now() / 1000 - d.fetchedAt < KEEP_S) return d;
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
