/** Parameters an authorization response may carry (OAuth 2.0, OIDC Core, Session Management, RFC 9207). */
const RESPONSE_PARAMS = [
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
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  const query = url.searchParams;
  if (looksLikeResponse(query)) return { params: query, from: 'query' };
  const fragment = new URLSearchParams(url.hash.slice(1));
  if (looksLikeResponse(fragment)) return { params: fragment, from: 'fragment' };
  return undefined;
}

/** The URL without the response parameters: codes and tokens must not stay in history or referrers. */
export function stripResponse(href: string): string {
  const url = new URL(href);
  for (const p of RESPONSE_PARAMS) url.searchParams.delete(p);
  const fragment = new URLSearchParams(url.hash.slice(1));
  if (looksLikeResponse(fragment)) {
    for (const p of RESPONSE_PARAMS) fragment.delete(p);
    url.hash = fragment.toString();
  }
  return url.href.replace(/[?#]$/, '').replace(/\?#/, '#');
}

/** Removes the response from the address bar without a navigation. */
export function cleanLocation(): void {
  const clean = stripResponse(location.href);
  if (clean !== location.href) history.replaceState(history.state, '', clean);
}
