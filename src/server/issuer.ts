import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet } from 'jose';
import { AqServerError, describe } from './errors.js';

/** What the helpers need of one OP, fetched once per issuer and shared by every handler. */
export interface IssuerContext {
  as: oauth.AuthorizationServer;
  /** oauth4webapi's JWKS cache (ID token signatures); it fills and refreshes it itself. */
  jwksCache: oauth.JWKSCacheInput;
  /** jose's view of the same JWKS (logout tokens, access tokens); refetched on an unknown `kid`. */
  keys: ReturnType<typeof createRemoteJWKSet>;
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/** The issuer option as a URL: https, or http on loopback only (a dev OP). Throws TypeError at configuration time. */
export function parseIssuer(value: unknown): URL {
  if (typeof value !== 'string' || !value) throw new TypeError('"issuer" is required');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`"issuer" must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new TypeError(`"issuer" must use https (http only on localhost), got "${value}"`);
  }
  return url;
}

/** oauth4webapi refuses plain http unless told; only a loopback issuer is ever allowed it. */
export function httpOptions(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  return issuer.protocol === 'http:' && isLoopback(issuer) ? { [oauth.allowInsecureRequests]: true } : {};
}

/**
 * Every endpoint and the jwks_uri of a discovery document: https, or http only when both the
 * issuer and the endpoint are on loopback (a dev OP). oauth4webapi enforces this on the requests
 * it makes, but jose's remote JWKS (logout tokens, access tokens) fetches any http URL: a plain
 * http jwks_uri lets anyone on the path swap the keys and forge every token. Checked before
 * anything is fetched from the document.
 */
export function checkEndpoints(issuer: URL, as: oauth.AuthorizationServer): void {
  const devIssuer = issuer.protocol === 'http:' && isLoopback(issuer);
  for (const [key, value] of Object.entries(as)) {
    if (key !== 'jwks_uri' && !key.endsWith('_endpoint')) continue;
    let url: URL | undefined;
    try {
      url = new URL(value as string);
    } catch {
      // reported below
    }
    const ok = url && (url.protocol === 'https:' || (devIssuer && url.protocol === 'http:' && isLoopback(url)));
    if (!ok) {
      throw new AqServerError('discovery_failed', `discovery for ${issuer.href}: "${key}" must be an https URL${devIssuer ? ' (http only on localhost)' : ''}, got ${JSON.stringify(value)}`);
    }
  }
}

/** Metadata changes rarely; an hour keeps a long-running server from pinning a retired jwks_uri. */
const TTL_MS = 60 * 60 * 1000;
const cache = new Map<string, { at: number; pending: Promise<IssuerContext> }>();

async function load(issuer: URL): Promise<IssuerContext> {
  let as: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...httpOptions(issuer) });
    // OIDC Discovery §4.3: a document naming another issuer is refused here.
    as = await oauth.processDiscoveryResponse(issuer, response);
  } catch (err) {
    throw new AqServerError('discovery_failed', `discovery for ${issuer.href} failed: ${describe(err)}`, { cause: err });
  }
  for (const key of ['token_endpoint', 'jwks_uri'] as const) {
    if (!as[key]) throw new AqServerError('discovery_failed', `discovery for ${issuer.href} has no "${key}"`);
  }
  checkEndpoints(issuer, as);
  return { as, jwksCache: {}, keys: createRemoteJWKSet(new URL(as.jwks_uri!)) };
}

/** Discovery for an issuer, cached for an hour; a failure is forgotten so the next request retries. */
export function loadIssuer(issuer: URL): Promise<IssuerContext> {
  const key = issuer.href;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.pending;
  const pending = load(issuer);
  const entry = { at: Date.now(), pending };
  cache.set(key, entry);
  pending.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return pending;
}

/** Forgets every cached discovery document (tests; a key rollover the OP announces out of band). */
export function clearIssuerCache(): void {
  cache.clear();
}
