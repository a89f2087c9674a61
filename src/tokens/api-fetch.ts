import * as oauth from 'oauth4webapi';
import type { AqConfig } from '../core/config.js';
import { isLoopback } from '../core/config.js';
import { discover } from '../core/discovery.js';
import { dpopFor } from '../core/dpop.js';
import type { SignedInRecord } from '../core/store.js';

/**
 * Whether `url` may receive the access token: its origin is exactly one the page listed. The
 * token is as good as the user to whoever holds it, so nothing else qualifies: not a subdomain,
 * not another port or scheme, not a relative URL that a `<base>` tag points elsewhere (the Request
 * has resolved it by then).
 */
export function allowedOrigin(url: URL, apiOrigins: readonly string[]): boolean {
  return apiOrigins.includes(url.origin);
}

/** What `apiFetch` needs of the client: the user's token, and a renewal when the API refuses it. */
export interface TokenSource {
  readonly config: AqConfig;
  /** A valid token, renewed first if about to expire. */
  accessToken(): Promise<string>;
  /** The signed-in record (for its token type). */
  current(): SignedInRecord | null;
  /** Renews now and resolves with the new record. */
  renew(): Promise<SignedInRecord>;
}

/** The `invalid_token` challenge of RFC 6750 §3.1 (or RFC 9449 §7.1): the token was refused, renew and retry. */
const isInvalidToken = (err: unknown) =>
  err instanceof oauth.WWWAuthenticateChallengeError && err.response.status === 401 && err.cause.some((c) => c.parameters.error === 'invalid_token');

/**
 * `fetch()` with the user's access token for the page's API origins; any other request goes out
 * exactly as the page made it, without the token. The token goes as `Authorization: Bearer`, or
 * `DPoP` with a fresh proof (RFC 9449 §7) when it is DPoP-bound. Retries once after a renewal on a
 * 401 `invalid_token`, once on a `use_dpop_nonce` challenge; any other answer (challenges
 * included) is handed back as the Response.
 */
export async function apiFetch(source: TokenSource, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (!allowedOrigin(url, source.config.apiOrigins)) return fetch(request);
  let renewed = false;
  let nonced = false;
  for (;;) {
    const token = await source.accessToken();
    const record = source.current();
    const DPoP = record?.tokenType === 'dpop' ? await dpopFor(source.config, (await discover(source.config.issuer)).as) : undefined;
    // The body can be read once: each try sends a copy.
    const attempt = request.clone();
    try {
      return await oauth.protectedResourceRequest(token, request.method, url, request.headers, null, {
        DPoP,
        [oauth.allowInsecureRequests]: isLoopback(url),
        // Everything else of the page's request (body, credentials, mode, signal, redirect) stays
        // as it was: only the headers oauth4webapi prepared (Authorization, DPoP) replace its own.
        [oauth.customFetch]: (_href, options) => fetch(attempt, { headers: options.headers }),
      });
    } catch (err) {
      if (!(err instanceof oauth.WWWAuthenticateChallengeError)) throw err;
      if (!nonced && DPoP && oauth.isDPoPNonceError(err)) nonced = true;
      else if (!renewed && isInvalidToken(err)) {
        renewed = true;
        await source.renew();
      } else return err.response;
    }
  }
}
