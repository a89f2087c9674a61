import { AqError } from '../errors.js';

export const RESPONSE_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];
export type ResponseMode = 'query' | 'fragment' | 'form_post';
export type Display = 'popup' | 'redirect';
export type StorageKind = 'session' | 'local' | 'memory';

/** What a page or an SPA passes to `createClient()`; the element builds it from its attributes. */
export interface AqClientOptions {
  /** OP issuer URL; discovery is read from `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Space separated; `openid` is added when missing. Authentiq's `~r`/`~s` suffixes pass verbatim. */
  scope?: string;
  responseType?: string;
  responseMode?: string;
  display?: string;
  /** Defaults to the current page URL without query and fragment. */
  redirectUri?: string;
  prompt?: string;
  loginHint?: string;
  uiLocales?: string;
  acrValues?: string;
  maxAge?: number | string;
  /** Extra authorization parameters (e.g. Authsignal's `token`), as an object or a JSON string. */
  authParams?: Record<string, string> | string;
  storage?: string;
  /** Milliseconds between session checks; `0` turns session monitoring off. */
  sessionInterval?: number | string;
  /** POSTed to (JSON) before each sign-in; the JSON object it answers joins the authorization parameters. */
  initUrl?: string;
  /** The authorization response goes here (JSON POST) instead of being exchanged in the browser. */
  backendUrl?: string;
  /**
   * Lets `backendUrl` and `initUrl` be on another origin than the page (https, or http on
   * loopback). The element takes it from its own attribute only, never from the script tag's
   * page-wide `data-*` defaults.
   *
   * > [!WARNING]
   * > `backendUrl` receives the code with its PKCE `code_verifier`, which is all it takes to redeem
   * > the code; and what `initUrl` answers joins the authorization request. Set this only when that
   * > origin is yours.
   */
  allowCrossOriginBackend?: boolean;
  /**
   * Seconds added to this device's clock before it is compared with the OP's timestamps (`iat`,
   * `exp`, `nbf`, `auth_time`): `120` when the device runs two minutes slow, `-120` when fast.
   * oauth4webapi's `clockSkew`. Default 0.
   */
  clockSkew?: number | string;
  /**
   * Seconds of leeway on `exp`, `nbf`, `iat` and `auth_time`; default 30, oauth4webapi's
   * `clockTolerance`.
   *
   * > [!WARNING]
   * > It also keeps an expired ID token acceptable that much longer. For a device whose clock is
   * > known to be off, prefer `clockSkew`.
   */
  clockTolerance?: number | string;
  /**
   * DPoP-bound tokens (RFC 9449): `auto` (default) when the OP advertises ES256 in
   * `dpop_signing_alg_values_supported`, `off`, or `required` (an OP or browser that cannot do it
   * is an `AQ_CONFIG_INVALID` error, a Bearer token an `AQ_TOKEN_REQUEST_FAILED`).
   */
  dpop?: string;
  /** Push every authorization request first (RFC 9126 PAR); on anyway when the OP requires it. */
  par?: boolean;
  /**
   * Origins `fetch()` attaches the access token to (`https://api.example.com`; http only on
   * localhost): space separated, or an array. Exact origins, no wildcard, no path. Default none:
   * the token goes nowhere unless the page names where.
   */
  apiOrigins?: string | string[];
  /**
   * The backend's logout stream (aq-signin/server `createLogoutStreamHandler`), kept open while a
   * user is signed in: a back-channel logout at the backend signs the page out within a second,
   * where third-party cookies blind the OP's session iframe. It receives the ID token (or, with
   * `backendUrl`, the session cookie): same origin as the page unless `allowCrossOriginBackend`.
   */
  logoutEventsUrl?: string;
}

export interface AqConfig {
  issuer: URL;
  clientId: string;
  scope: string;
  responseType: ResponseType;
  responseMode: ResponseMode;
  display: Display;
  redirectUri: string;
  /** prompt, login_hint, ui_locales, acr_values, max_age and auth-params, ready to send. */
  extraParams: Record<string, string>;
  maxAge?: number;
  storage: StorageKind;
  sessionInterval: number;
  initUrl?: string;
  backendUrl?: string;
  clockSkew: number;
  clockTolerance: number;
  /** Exact origins (`URL.origin`) that `fetch()` sends the access token to. */
  apiOrigins: string[];
  logoutEventsUrl?: string;
  dpop: 'auto' | 'off' | 'required';
  par: boolean;
}

export { OPTIONS } from './options.js';

// Parameters the SDK owns: letting auth-params override them would undo state, nonce or PKCE.
const RESERVED_PARAMS = new Set([
  'client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce',
  'code_challenge', 'code_challenge_method', 'dpop_jkt',
]);

const RESPONSE_ORDER = ['code', 'id_token', 'token'];

function invalid(option: keyof AqClientOptions, problem: string): AqError {
  // The attribute's name (client-id), so that the message names what the page author wrote.
  return new AqError('AQ_CONFIG_INVALID', `"${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}" ${problem}`);
}

/** The URL, or undefined for anything that does not parse as one. */
export function urlOf(value: unknown, base?: string): URL | undefined {
  try {
    return typeof value === 'string' ? new URL(value, base) : undefined;
  } catch {
    return undefined;
  }
}

function oneOf<T extends string>(option: keyof AqClientOptions, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(option, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got "${value}"`);
}

/** Loopback hosts may use plain http: the only place a dev OP without TLS is reasonable. */
export function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

function parseUrl(option: keyof AqClientOptions, value: string): URL {
  const url = urlOf(value);
  if (!url) throw invalid(option, `must be an absolute URL, got "${value}"`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw invalid(option, `must use https (http only on localhost), got "${value}"`);
  }
  return url;
}

function parseNumber(option: keyof AqClientOptions, value: number | string | undefined, fallback: number | undefined) {
  if (value === undefined || value === '') return fallback;
  // Digits only: Number(' ') is 0 and Number('0x10') is 16, which would silently mean something else.
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < 0) throw invalid(option, `must be a whole number of 0 or more, got "${value}"`);
  return n;
}

/** Whole seconds, either way: a clock may be slow or fast. */
function parseSeconds(option: keyof AqClientOptions, value: number | string | undefined): number {
  if (value === undefined || value === '') return 0;
  const n = typeof value === 'number' ? value : /^[+-]?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw invalid(option, `must be a whole number of seconds, got "${value}"`);
  return n;
}

function parseAuthParams(value: AqClientOptions['authParams']): Record<string, string> {
  if (value === undefined || value === '') return {};
  let obj: unknown = value;
  if (typeof value === 'string') {
    try {
      obj = JSON.parse(value);
    } catch {
      throw invalid('authParams', `must be a JSON object, got ${JSON.stringify(value)}`);
    }
  }
  return extraParamsOf(obj, (problem) => invalid('authParams', problem));
}

/**
 * Extra authorization parameters, from auth-params or an init-url answer; `fail` words a problem
 * for its source. Values other than plain ones are refused, or with `skipOthers` left out.
 */
export function extraParamsOf(value: unknown, fail: (problem: string) => AqError, skipOthers = false): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be a JSON object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    // The source adds parameters; it cannot replace the ones that protect this request.
    if (RESERVED_PARAMS.has(k)) throw fail(`may not set "${k}": aq-signin sets it`);
    // It becomes the auth_time check: a whole number of seconds or nothing.
    if (k === 'max_age' && !/^\d+$/.test(String(v))) throw fail(`"max_age" must be a whole number of seconds, got ${JSON.stringify(v)}`);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (!skipOthers) throw fail(`value of "${k}" must be a string, number or boolean`);
  }
  return out;
}

/** The page URL minus query and fragment: where the OP sends the user back by default. */
export function defaultRedirectUri(): string {
  const url = new URL(location.href);
  url.search = '';
  url.hash = '';
  return url.href;
}

/** Validates options; throws `AQ_CONFIG_INVALID` naming the first bad attribute. */
export function resolveConfig(options: AqClientOptions): AqConfig {
  if (!options.issuer) throw invalid('issuer', 'is required');
  const issuer = parseUrl('issuer', options.issuer);
  // A bare "?" or "#" leaves search and hash empty but stays in href, and the OP's issuer would not match.
  if (/[?#]/.test(options.issuer)) throw invalid('issuer', `must not have a query or fragment, got "${options.issuer}"`);
  if (!options.clientId) throw invalid('clientId', 'is required');

  const scopes = (options.scope || 'openid profile email').split(/\s+/).filter(Boolean);
  if (!scopes.includes('openid')) scopes.unshift('openid');

  // The order of space-separated values does not matter (OAuth 2.0 Multiple Response Types §3).
  const rawType = options.responseType?.split(/\s+/).filter(Boolean).sort((a, b) => RESPONSE_ORDER.indexOf(a) - RESPONSE_ORDER.indexOf(b)).join(' ');
  const responseType = oneOf('responseType', rawType, RESPONSE_TYPES, 'code');
  const frontChannelTokens = responseType !== 'code';
  const responseMode = oneOf('responseMode', options.responseMode, ['query', 'fragment', 'form_post'] as const, frontChannelTokens ? 'fragment' : 'query');
  // form_post needs an endpoint that takes the POST (aq-signin/server's createFormPostHandler):
  // a page URL, the default, cannot.
  if (responseMode === 'form_post' && !options.redirectUri) {
    throw invalid('redirectUri', 'is required with response-mode "form_post": the endpoint that takes the OP\'s POST');
  }
  // Multiple Response Types §5: tokens must not travel in the query (server logs, Referer).
  if (frontChannelTokens && responseMode === 'query') {
    throw invalid('responseMode', `must be "fragment" when "response-type" is "${responseType}": tokens must not travel in the query`);
  }
  const display = oneOf('display', options.display, ['popup', 'redirect'] as const, 'popup');
  const storage = oneOf('storage', options.storage, ['session', 'local', 'memory'] as const, 'session');
  const redirectUri = options.redirectUri ? pageUrl('redirectUri', options.redirectUri) : defaultRedirectUri();
  // The popup hands the response back over a same-origin channel, so it must land on this origin.
  if (display === 'popup' && new URL(redirectUri).origin !== location.origin) {
    throw invalid('redirectUri', `must be on this page's origin (${location.origin}) when display is "popup", got "${redirectUri}"`);
  }
  const maxAge = parseNumber('maxAge', options.maxAge, undefined);
  const sessionInterval = parseNumber('sessionInterval', options.sessionInterval, 2000)!;
  const clockSkew = parseSeconds('clockSkew', options.clockSkew);
  // oauth4webapi's default; ours too (checkIssuedAt).
  const clockTolerance = parseNumber('clockTolerance', options.clockTolerance, 30)!;
  const dpop = oneOf('dpop', options.dpop, ['auto', 'off', 'required'] as const, 'auto');
  // A token from the front channel is Bearer whatever the proofs: DPoP binds only what the token endpoint issues.
  if (dpop === 'required' && responseType.split(' ').includes('token')) {
    throw invalid('dpop', `"required" needs a response type without "token" (got "${responseType}"): tokens from the front channel cannot be DPoP-bound`);
  }
  if (dpop === 'required' && options.backendUrl) {
    throw invalid('dpop', '"required" does not go with "backend-url": the backend redeems the code, binding its tokens is its own business');
  }

  const extraParams = parseAuthParams(options.authParams);
  const named: [string, string | undefined][] = [
    ['prompt', options.prompt],
    ['login_hint', options.loginHint],
    ['ui_locales', options.uiLocales],
    ['acr_values', options.acrValues],
    ['max_age', maxAge === undefined ? undefined : String(maxAge)],
  ];
  for (const [k, v] of named) if (v) extraParams[k] = v;

  return {
    issuer,
    clientId: options.clientId,
    scope: scopes.join(' '),
    responseType,
    responseMode,
    display,
    redirectUri,
    extraParams,
    maxAge,
    storage,
    sessionInterval,
    initUrl: options.initUrl ? backendUrl('initUrl', options.initUrl, options.allowCrossOriginBackend) : undefined,
    backendUrl: options.backendUrl ? backendUrl('backendUrl', options.backendUrl, options.allowCrossOriginBackend) : undefined,
    clockSkew,
    clockTolerance,
    apiOrigins: parseOrigins(options.apiOrigins),
    logoutEventsUrl: options.logoutEventsUrl ? backendUrl('logoutEventsUrl', options.logoutEventsUrl, options.allowCrossOriginBackend) : undefined,
    dpop,
    // Strictly true, like allowCrossOriginBackend: the element's boolean attribute, or the SDK's boolean.
    par: options.par === true,
  };
}

/**
 * The origins the access token may go to. A bearer token is as good as the user to whoever gets
 * it, so each must be exactly an origin (a path or wildcard would suggest a narrower or wider
 * grant than the origin check gives) and use TLS outside localhost.
 */
function parseOrigins(value: AqClientOptions['apiOrigins']): string[] {
  const list = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value ?? [];
  if (!Array.isArray(list)) throw invalid('apiOrigins', 'must be space-separated origins or an array of them');
  return list.map((o) => {
    const url = parseUrl('apiOrigins', String(o));
    if (url.origin !== o || o.includes('*')) throw invalid('apiOrigins', `must list exact origins such as "${url.origin}" (no path, no wildcard), got "${o}"`);
    return o;
  });
}

/**
 * `backend-url` gets the code and the PKCE verifier, which redeem it; what `init-url` answers
 * joins the authorization request. Both stay on the page's origin unless the page says otherwise
 * (docs/security.md): a value planted in the configuration (DOM clobbering, injected
 * markup) must not be enough to send them elsewhere.
 */
function backendUrl(option: 'initUrl' | 'backendUrl' | 'logoutEventsUrl', value: string, allowCrossOrigin: boolean | undefined): string {
  const href = pageUrl(option, value);
  const url = new URL(href);
  if (url.origin === location.origin) return href;
  // Strictly true: a property set to the string "false" must not open the door.
  if (allowCrossOrigin !== true) {
    const what = {
      backendUrl: 'it would receive the code and its PKCE code_verifier',
      initUrl: 'its answer would join the authorization request',
      logoutEventsUrl: 'it would receive the ID token or the session cookie',
    }[option];
    throw invalid(option, `is on ${url.origin}, not on this page's origin ${location.origin}: ${what}. If that origin is yours, set "allow-cross-origin-backend" on the element (allowCrossOriginBackend in createClient())`);
  }
  return parseUrl(option, href).href;
}

/** A URL relative to the page, as a page author writes it (`/api/auth/code`). */
function pageUrl(option: keyof AqClientOptions, value: string): string {
  const url = urlOf(value, location.href);
  if (!url) throw invalid(option, `must be a URL, got "${value}"`);
  // RFC 6749 §3.1.2: the redirection endpoint URI must not include a fragment.
  if (option === 'redirectUri' && url.hash) throw invalid(option, `must not have a fragment, got "${value}"`);
  return url.href;
}
