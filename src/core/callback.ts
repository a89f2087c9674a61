import { urlOf } from './config.js';

/** Parameters an authorization response may carry (OAuth 2.0, OIDC Core, Session Management, RFC 9207). */
export const RESPONSE_PARAMS = [
  'code', 'state', 'session_state', 'iss', 'error', 'error_description', 'error_uri',
  'id_token', 'access_token', 'token_type', 'expires_in', 'scope',
];

export interface CallbackResponse {
  params: URLSearchParams;
  /** Where the parameters were found, so the same place can be cleaned. */
  from: 'query' | 'fragment';
}

function looksLikeResponse(params: URLSearchParams): boolean {
  // A page may use ?code= for its own purposes; only state plus a result is an OP response.
  return params.has('state') && (params.has('code') || params.has('error') || params.has('id_token') || params.has('access_token'));
}

/** Reads an authorization response from a URL's query or fragment, or returns undefined. */
export function parseCallback(href: string): CallbackResponse | undefined {
  const url = urlOf(href);
  if (!url) return undefined;
  const query = url.searchParams;
  if (looksLikeResponse(query)) return { params: query, from: 'query' };
  const fragment = new URLSearchParams(url.hash.slice(1));
  if (looksLikeResponse(fragment)) return { params: fragment, from: 'fragment' };
  return undefined;
}

/** `a=1&b` minus the named parameters, every other one kept exactly as it was written. */
function without(raw: string, names: readonly string[]): string {
  return raw
    .split('&')
    .filter((pair) => {
      const name = pair.split('=')[0];
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is not one of ours: keep it.
      }
      return pair !== '' && !names.includes(decoded);
    })
    .join('&');
}

/**
 * The URL without the response parameters: codes and tokens must not stay in history or
 * referrers. Only a part (query, fragment) that carries a response is touched, so a page's own
 * ?code= stays when the response came in the fragment; the rest keeps its spelling.
 */
export function stripResponse(href: string): string {
  const url = urlOf(href);
  if (!url) return href;
  const clean = (part: string, mark: string) => {
    if (!looksLikeResponse(new URLSearchParams(part.slice(1)))) return part;
    const rest = without(part.slice(1), RESPONSE_PARAMS);
    return rest ? mark + rest : '';
  };
  const base = url.href.slice(0, url.href.length - url.search.length - url.hash.length);
  return base + clean(url.search, '?') + clean(url.hash, '#');
}

/** Removes the response from the address bar without a navigation. */
export function cleanLocation(): void {
  const clean = stripResponse(location.href);
  if (clean !== location.href) history.replaceState(history.state, '', clean);
}
