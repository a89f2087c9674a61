// A real OpenID Provider on localhost for the demo and the e2e suite: oidc-provider 6.31.1, the
// last line with OIDC Session Management (check_session_iframe, session_state). Development only.
// The comments name the trap (or the spec clause) each line is for.
//
// Driving it (Playwright):
// - login page (./interactions.js): fill `input[name=login]` (any name; it becomes `sub`) and
//   `input[name=password]` (anything), click `button[type=submit]`; consent page (has
//   `input[name=prompt][value=consent]`): click `button[type=submit]` (Allow). Consent is
//   remembered per session for the same scopes.
// - deny: on the login page click Cancel, on the consent page Deny (both `a[href$="/abort"]`): the
//   RP gets error=access_denied, error_description "End-User aborted interaction", and its state.
// - logout confirmation (end_session): click `button[name=logout][value=yes]`.
// - Authsignal-style client `authsignal-demo` (confidential, client_secret_basic): the backend
//   first POSTs /init-auth (Basic auth, JSON `{ userId, action, simulate? }`) and gets `{ token }`;
//   the authorization request must carry it as `token`. No login or consent page for that client:
//   the user is the token's userId. Its access token is a JWT with `action` and `action_state`.
// - Confidential client `demo-backend` (client_secret_post): the ordinary login/consent pages; for
//   pages that hand the code to a backend (`backend-url`).
// - Confidential client `demo-unsigned` (client_secret_basic, code only): its token-endpoint ID
//   token is unsigned (`id_token_signed_response_alg: 'none'`), as Authentiq's are for clients
//   that authenticate with their credentials; redirect URI `<rp origin>/` exactly.
// - Refresh tokens (issue 15): the public client `demo` gets one when it asks `offline_access`
//   with `prompt=consent` (OIDC Core §11; without consent the OP drops the scope), rotated at every
//   use (a consumed one answers invalid_grant and revokes the whole grant). Access tokens live
//   `accessTokenTtl` seconds (env AQ_OP_ACCESS_TOKEN_TTL; default 3600) so that renewals show.
//   Revocation (RFC 7009) at /token/revocation, no client authentication for `demo`.
//   `onTokenRequest(grantType, sub)` is called for every token request (e2e counts refreshes).
// - Signing keys are generated at each start (RS256 signs ID tokens; an ES256 key sits beside it
//   in the JWKS), so tokens from an earlier run never verify against a new one.
import http from 'node:http';
import { createRequire } from 'node:module';
import { generateKeyPairSync, randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, jwtVerify } from 'jose';
import Provider from 'oidc-provider';
import { interactionPages } from './interactions.js';
import { allowImplicitOnLocalhost, constructQuietly } from './dev-recipes.js';

const { errors: opErrors, interactionPolicy } = Provider;

const require = createRequire(import.meta.url);

export const CLIENT_ID = 'demo';

/** The confidential clients (development secrets, not secret): code flow with PKCE, through a backend. */
export const BACKEND_CLIENT = { id: 'demo-backend', secret: 'demo-backend-secret', auth: 'client_secret_post' };
export const AUTHSIGNAL_CLIENT = { id: 'authsignal-demo', secret: 'authsignal-demo-secret', auth: 'client_secret_basic' };
/** Confidential client whose token-endpoint ID tokens are unsigned (Authentiq's behaviour; OIDC Core 3.1.3.7). */
export const UNSIGNED_CLIENT = { id: 'demo-unsigned', secret: 'demo-unsigned-secret', auth: 'client_secret_basic' };
/** Outcomes an init-auth request may ask the simulated challenge to have (`simulate`). */
export const ACTION_STATES = ['CHALLENGE_SUCCEEDED', 'CHALLENGE_FAILED', 'ALLOW', 'BLOCK'];
/** Lifetime of an init-auth token, seconds: it only has to survive the trip to /auth. */
const INIT_TOKEN_TTL = 120;

export const RESPONSE_TYPES = [
  'code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token', 'none',
];

// Scope -> claims. Standard scopes per OIDC Core 5.4; aq:* is Authentiq's vocabulary.
const SCOPE_CLAIMS = {
  openid: ['sub'],
  offline_access: [],
  profile: ['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username',
    'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  'aq:name': ['name', 'given_name', 'family_name', 'middle_name'],
  'aq:location': ['aq:location'],
  'aq:username': ['preferred_username'],
  'aq:locale': ['locale'],
  'aq:zoneinfo': ['zoneinfo'],
  'aq:push': [],
};

// Authentiq scope modifiers: `email~r` (required), `email~s` (signed), `email~rs`. Unknown scopes
// are silently dropped by oidc-provider, so each modified scope is a dynamic scope that grants the
// same claims (RegExp keys of the claims Map are picked up as dynamicScopes).
function claimsConfig() {
  const claims = new Map(Object.entries(SCOPE_CLAIMS));
  for (const [scope, list] of Object.entries(SCOPE_CLAIMS)) {
    if (scope !== 'openid') claims.set(new RegExp(`^${scope.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}~[rs]{1,2}$`), list);
  }
  return claims;
}

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The claims of any login name, shaped like Authentiq's ID-token example. Names derive from the
 * login ("bob" -> Bob Example, "carol.smith" -> Carol Smith) so two users differ; every login gets
 * the full set, email and aq:location included.
 */
export function accountClaims(login) {
  const username = String(login).trim().toLowerCase().replace(/\s+/g, '.').replace(/[^a-z0-9._-]+/g, '') || 'user';
  const [first, last] = username.split(/[._-]+/).filter(Boolean);
  const given = cap(first || 'user');
  const family = last ? cap(last) : 'Example';
  const n = createHash('sha256').update(username).digest()[0] % 100; // stable per user
  const address = {
    formatted: 'Keizersgracht 123\n1015 CJ Amsterdam\nNetherlands',
    street_address: 'Keizersgracht 123',
    locality: 'Amsterdam',
    region: 'Noord-Holland',
    postal_code: '1015 CJ',
    country: 'NL',
  };
  return {
    sub: String(login),
    name: `${given} ${family}`,
    given_name: given,
    family_name: family,
    preferred_username: username,
    email: `${username}@example.com`,
    email_verified: true,
    phone_number: `+3120555${String(100 + n).padStart(4, '0')}`,
    phone_number_verified: true,
    locale: 'en-GB',
    zoneinfo: 'Europe/Amsterdam',
    address,
    'aq:location': {
      address: { formatted: 'Keizersgracht 123, 1015 CJ Amsterdam, Netherlands', locality: 'Amsterdam', country: 'NL' },
      latitude: 52.3738,
      longitude: 4.8837,
    },
  };
}

// Fresh signing keys per start: nothing secret lands in the repository. RS256 is the default ID
// token alg; the ES256 key makes the JWKS hold two keys so clients must select by `kid`.
function generateJwks() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const stamp = Date.now().toString(36);
  return { keys: [{ ...rsa, kid: `rs-${stamp}`, use: 'sig' }, { ...ec, kid: `es-${stamp}`, use: 'sig' }] };
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto"><h1>${esc(title)}</h1>${body}</body></html>`;

// trap 2: the check_session iframe page loads jsSHA from a CDN and fetch from polyfill.io, so it
// answers "error" offline. jssha@2.3.1's src/sha256.js is byte-identical to the CDN file (its SRI
// hash is kept and still verifies), so serve it from the OP and point the page at it.
const JSSHA_CDN = 'https://cdnjs.cloudflare.com/ajax/libs/jsSHA/2.3.1/sha256.js';
const JSSHA_PATH = '/_dev/jssha-2.3.1-sha256.js';
const JSSHA_SOURCE = readFileSync(require.resolve('jssha/src/sha256.js'));

function offlinePages(checkSessionPath) {
  return async function offlinePagesMiddleware(ctx, next) {
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.path === JSSHA_PATH) {
      ctx.type = 'application/javascript';
      ctx.body = JSSHA_SOURCE;
      return;
    }
    await next();
    if (typeof ctx.body !== 'string') return;
    if (ctx.method === 'GET' && ctx.path === checkSessionPath) {
      if (!ctx.body.includes(JSSHA_CDN)) throw new Error('dev OP: check_session page changed, cannot make it offline');
      ctx.body = ctx.body
        .replace(JSSHA_CDN, JSSHA_PATH)
        .replace(/<script[^>]*polyfill\.io[^>]*><\/script>\n?/, '');
    } else if (ctx.response.is('html')) {
      // The login/consent pages @import a web font: offline that is a DNS wait before `load`.
      ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g, '');
    }
  };
}


/** Client authentication of /init-auth: HTTP Basic with form-urlencoded id and secret (RFC 6749 §2.3.1). */
function basicClient(header) {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString();
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  try {
    return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
  } catch {
    return null;
  }
}

const sameSecret = (a, b) => {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
};

async function readJson(req, limit = 16 * 1024) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk);
  }
  const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('body must be a JSON object');
  return body;
}

/** The default interaction policy with one more login check in front. */
function policyWith(check) {
  const policy = interactionPolicy.base();
  policy.get('login').checks.add(check, 0);
  return policy;
}

/**
 * The Authsignal-style mode. Authsignal's OIDC flow: the app's backend asks for a short-lived
 * token bound to a user and an action (init-auth), the browser goes to /authorize with it, the
 * user passes a challenge, and the access token's `action_state` tells the backend the outcome.
 * Here the challenge is simulated: its outcome is chosen at init-auth (`simulate`).
 */
function authsignalMode(issuer) {
  // A per-start HMAC key: init-auth tokens only ever come back to this process.
  const key = randomBytes(32);
  const audience = `${issuer}/auth`;
  // Outcome per pending authorization, keyed by its PKCE code_challenge (required for this client,
  // fresh per request, and stored on the authorization code, so the token endpoint finds it).
  const pending = new Map();
  const remember = (challenge, value) => {
    const now = Date.now();
    for (const [k, v] of pending) if (v.until < now) pending.delete(k);
    pending.set(challenge, { ...value, until: now + 10 * 60 * 1000 });
  };

  async function issue({ userId, action, simulate }) {
    return new SignJWT({ client_id: AUTHSIGNAL_CLIENT.id, action, action_state: simulate })
      .setProtectedHeader({ alg: 'HS256', typ: 'authsignal-init+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(userId)
      .setJti(randomBytes(12).toString('base64url'))
      .setIssuedAt()
      .setExpirationTime(`${INIT_TOKEN_TTL}s`)
      .sign(key);
  }

  /** The token's claims, or throws InvalidRequest (the RP gets error=invalid_request). */
  async function verify(token) {
    if (typeof token !== 'string' || !token) {
      throw new opErrors.InvalidRequest('the "token" parameter is required for this client: get one from POST /init-auth');
    }
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'], issuer, audience, typ: 'authsignal-init+jwt', requiredClaims: ['sub', 'exp'],
      });
      if (payload.client_id !== AUTHSIGNAL_CLIENT.id) throw new Error('token was issued to another client');
      return payload;
    } catch (err) {
      throw new opErrors.InvalidRequest(`the "token" parameter is invalid or expired (${err.code ?? err.message})`);
    }
  }

  /** POST /init-auth: Basic auth with the authsignal-demo client, JSON `{ userId, action, simulate? }` -> `{ token }`. */
  async function initAuth(ctx) {
    ctx.set('cache-control', 'no-store');
    const fail = (status, error, description) => {
      ctx.status = status;
      ctx.body = { error, error_description: description };
    };
    if (ctx.method !== 'POST') {
      ctx.set('allow', 'POST');
      return fail(405, 'invalid_request', 'use POST');
    }
    const client = basicClient(ctx.get('authorization'));
    if (!client || client.id !== AUTHSIGNAL_CLIENT.id || !sameSecret(client.secret, AUTHSIGNAL_CLIENT.secret)) {
      ctx.set('www-authenticate', 'Basic realm="init-auth"');
      return fail(401, 'invalid_client', `client authentication failed: HTTP Basic with the ${AUTHSIGNAL_CLIENT.id} client is required`);
    }
    if (!ctx.is('application/json')) return fail(400, 'invalid_request', 'content-type must be application/json');
    let body;
    try {
      body = await readJson(ctx.req);
    } catch (err) {
      return fail(400, 'invalid_request', err.message);
    }
    const { userId, action = 'signIn', simulate = 'CHALLENGE_SUCCEEDED' } = body;
    if (typeof userId !== 'string' || !userId.trim() || userId.length > 200) return fail(400, 'invalid_request', '"userId" must be a non-empty string');
    if (typeof action !== 'string' || !/^[\w.:-]{1,64}$/.test(action)) return fail(400, 'invalid_request', '"action" must be 1-64 characters of [A-Za-z0-9_.:-]');
    if (!ACTION_STATES.includes(simulate)) return fail(400, 'invalid_request', `"simulate" must be one of ${ACTION_STATES.join(', ')}`);
    ctx.body = { token: await issue({ userId, action, simulate }), expires_in: INIT_TOKEN_TTL };
  }

  /**
   * A login check for this client only: the authorization request needs a valid token (checked
   * on the first pass and on resume), and then always one interaction, which the middleware below
   * finishes at once as the token's user. Throwing here reaches the RP as error=invalid_request.
   */
  const check = new interactionPolicy.Check('authsignal_token', 'the Authsignal-style token must be verified', 'login_required', async (ctx) => {
    const { oidc } = ctx;
    if (oidc.client?.clientId !== AUTHSIGNAL_CLIENT.id) return false;
    const claims = await verify(oidc.params.token);
    remember(oidc.params.code_challenge, { action: claims.action, action_state: claims.action_state, userId: claims.sub });
    return oidc.result?.login?.account !== claims.sub;
  });

  /** GET /interaction/:uid for this client: no login page, no consent page; the user is the token's. */
  async function interaction(ctx, provider) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.params.client_id !== AUTHSIGNAL_CLIENT.id) return false;
    let result;
    try {
      const claims = await verify(details.params.token);
      result = { login: { account: claims.sub, ts: Math.floor(Date.now() / 1000) }, consent: {} };
    } catch (err) {
      result = { error: 'invalid_request', error_description: err.error_description ?? err.message };
    }
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
    return true;
  }

  /** The claims the access token of an authorization code carries (by its code_challenge). */
  function accessTokenClaims(ctx, token) {
    if (token.clientId !== AUTHSIGNAL_CLIENT.id) return undefined;
    const code = ctx?.oidc?.entities?.AuthorizationCode;
    const found = code && pending.get(code.codeChallenge);
    if (!found) return undefined;
    return { action: found.action, action_state: found.action_state };
  }

  return { initAuth, check, interaction, accessTokenClaims };
}

// RFC 9207 as today's OPs do it (oidc-provider >= 7, which sends it in lib/actions/authorization/
// respond.js and authorization_error_handler.js): `iss` on every authorization response that has no
// ID token, success and error alike, in every response mode; a response with an ID token has the
// token's own `iss` (RFC 9207 §2.4). 6.31's `features.issAuthResp` (draft 00) differs: it adds `iss`
// to ID-token responses too and to no error response. Every mode (query, fragment, form_post) is
// registered through this method while the provider is constructed, so wrapping it covers them all.
class DevProvider extends Provider {
  registerResponseMode(name, handler) {
    super.registerResponseMode(name, function respondWithIss(ctx, redirectUri, out) {
      return handler.call(this, ctx, redirectUri, out.id_token ? out : { ...out, iss: this.issuer });
    });
  }
}

/**
 * Starts the dev OP. Issuer `http://localhost:${port}` (trap 4: the RP must be on `localhost` too),
 * listening on 127.0.0.1 only.
 *
 * `backendOrigins`: origins whose URLs are also redirect URIs of the confidential clients
 * (`demo-backend`, `authsignal-demo`), e.g. a backend that receives form_post; rpOrigins always are.
 * `backchannelLogoutUri`: registered for the public client and both confidential clients, with `client_id=<id>` added
 * to its query so that one endpoint can tell them apart; none by default.
 * `openerPolicy`: a Cross-Origin-Opener-Policy value sent with every response, as large OPs do
 * (it severs a popup from its opener); none by default.
 * `accessTokenTtl`: seconds an access token lives (refresh tokens: see the header).
 * `onTokenRequest`: called with the grant_type and user (when known) of every token request answered.
 * @param {{ port?: number, rpOrigins?: string[], backendOrigins?: string[], backchannelLogoutUri?: string, openerPolicy?: string, log?: boolean, accessTokenTtl?: number, onTokenRequest?: (grantType: string, sub?: string) => void }} [options]
 * @returns {Promise<{ issuer: string, provider: import('oidc-provider').Provider, close: () => Promise<void> }>}
 */
export async function startOp({
  port = 3000, rpOrigins = ['http://localhost:5173'], backendOrigins = [], backchannelLogoutUri, openerPolicy, log = false,
  accessTokenTtl = Number(process.env.AQ_OP_ACCESS_TOKEN_TTL) || 3600, onTokenRequest,
} = {}) {
  const issuer = `http://localhost:${port}`;
  const origins = new Set(rpOrigins.map((o) => new URL(o).origin));
  const confidentialOrigins = new Set([...origins, ...backendOrigins.map((o) => new URL(o).origin)]);
  const originOf = (uri) => { try { return new URL(uri).origin; } catch { return null; } };
  const authsignal = authsignalMode(issuer);
  const backchannelFor = (clientId) => {
    if (!backchannelLogoutUri) return {};
    const uri = new URL(backchannelLogoutUri);
    uri.searchParams.set('client_id', clientId);
    // sid in the logout token lets the backend end exactly the session of that sign-in.
    return { backchannel_logout_uri: uri.href, backchannel_logout_session_required: true };
  };
  const confidentialClient = ({ id, secret, auth }) => ({
    client_id: id,
    client_secret: secret,
    token_endpoint_auth_method: auth,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [...confidentialOrigins].map((o) => `${o}/`),
    post_logout_redirect_uris: [...confidentialOrigins].map((o) => `${o}/`),
    ...backchannelFor(id),
  });

  const configuration = {
    clients: [{
      client_id: CLIENT_ID,
      token_endpoint_auth_method: 'none', // public browser client
      grant_types: ['authorization_code', 'implicit', 'refresh_token'],
      response_types: RESPONSE_TYPES,
      // Registered for the schema and for check_session's origin check (it derives the allowed
      // origins from these); which redirect URIs are accepted is the override below.
      redirect_uris: [...origins].map((o) => `${o}/`),
      post_logout_redirect_uris: [...origins].map((o) => `${o}/`),
      // A page signed in in the browser alone hears of its logout through the backend's logout
      // stream (its ID token, with sid, is the proof): the back-channel logout goes there too.
      ...backchannelFor(CLIENT_ID),
    }, confidentialClient(BACKEND_CLIENT), confidentialClient(AUTHSIGNAL_CLIENT)],
    responseTypes: RESPONSE_TYPES, // the default list leaves out front-channel access tokens
    // RFC 9207: see DevProvider.
    discovery: { authorization_response_iss_parameter_supported: true },
    pkce: { methods: ['S256'], required: () => true }, // only asked when response_type has `code`
    scopes: Object.keys(SCOPE_CLAIMS),
    claims: claimsConfig(),
    // Off: scope claims go into every ID token, not only response_type=id_token (whose ID token
    // always has them). The code flow then has them in both the ID token and userinfo.
    conformIdTokenClaims: false,
    async findAccount(ctx, sub) {
      return { accountId: sub, claims: async () => accountClaims(sub) };
    },
    // Token and userinfo are fetched by the page itself.
    clientBasedCORS: (ctx, origin) => origins.has(origin),
    features: {
      devInteractions: { enabled: false }, // our own login and consent pages: ./interactions.js
      sessionManagement: { enabled: true, ack: 'draft-30' },
      backchannelLogout: { enabled: true, ack: 'draft-06' },
      rpInitiatedLogout: {
        enabled: true,
        // Same form and buttons as the default page, minus its web-font @import.
        logoutSource: async (ctx, form) => {
          ctx.body = page('Sign out?', `${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
        },
        postLogoutSuccessSource: async (ctx) => { ctx.body = page('Signed out', '<p>You are signed out.</p>'); },
      },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      registration: { enabled: false },
      ietfJWTAccessTokenProfile: { enabled: true, ack: 'draft-05' }, // `jwt-ietf` below
    },
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // trap 3: 6.x defaults long cookies to SameSite=None without Secure (Chromium drops them) and
      // keeps a `.legacy` copy that end_session never clears, so logout would go unnoticed.
      long: { sameSite: 'lax' },
      short: { sameSite: 'lax' },
    },
    jwks: generateJwks(),
    // Authsignal-style mode: its pre-authorization `token` parameter, a login check that demands
    // it, and a JWT access token (signed with the OP's key) that carries the action's outcome.
    extraParams: ['token'],
    interactions: { policy: policyWith(authsignal.check), url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // The page's own tokens are RFC 9068 JWTs (6.x's `jwt-ietf`: typ at+jwt, aud its client_id)
    // so the demo API (/api/me) can verify them without asking the OP.
    formats: { AccessToken: (ctx, token) => ({ [AUTHSIGNAL_CLIENT.id]: 'jwt', [CLIENT_ID]: 'jwt-ietf' })[token.clientId] ?? 'opaque' },
    extraAccessTokenClaims: (ctx, token) => authsignal.accessTokenClaims(ctx, token),
    ttl: { IdToken: 60 * 60, AccessToken: accessTokenTtl, AuthorizationCode: 10 * 60 },
    // Refresh tokens of the public client rotate at every use (RFC 9700 §4.14.2): what a stolen
    // copy, or a tab that used its copy late, meets is invalid_grant.
    rotateRefreshToken: true,
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Error', Object.entries(out).map(([k, v]) => `<p><b>${esc(k)}</b>: ${esc(v)}</p>`).join(''));
    },
  };

  // Unsigned ID tokens for UNSIGNED_CLIENT only: 6.x drops "none" from the ID token algs unless
  // whitelisted (the discovery document then lists it, which no client must take as leave to
  // accept it), and allows it only for clients without a front-channel ID token and without
  // back-channel logout. The other clients keep their default, RS256.
  configuration.whitelistedJWA = { idTokenSigningAlgValues: ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA', 'none'] };
  configuration.clients.push({
    client_id: UNSIGNED_CLIENT.id,
    client_secret: UNSIGNED_CLIENT.secret,
    token_endpoint_auth_method: UNSIGNED_CLIENT.auth,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'none',
    redirect_uris: [...confidentialOrigins].map((o) => `${o}/`),
  });

  const provider = constructQuietly(() => new DevProvider(issuer, configuration), !log);
  // trap 1: implicit + http/localhost redirect URIs are refused for web clients.
  allowImplicitOnLocalhost(provider);

  // The e2e suite uses many pages per origin: any redirect URI on an RP origin is accepted, the
  // exact-match rule of OIDC Core 3.1.2.1 is relaxed to an origin match. 6.31.1 calls exactly
  // these two methods (check_redirect_uri.js + authorization_error_handler.js, end_session.js).
  // A fragment stays forbidden (RFC 6749 3.1.2).
  const allowedOn = (set) => (uri) => set.has(originOf(uri)) && !new URL(uri).hash;
  const allowedFor = {
    [CLIENT_ID]: allowedOn(origins),
    [BACKEND_CLIENT.id]: allowedOn(confidentialOrigins),
    [AUTHSIGNAL_CLIENT.id]: allowedOn(confidentialOrigins),
  };
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = provider.Client.prototype;
  provider.Client.prototype.redirectUriAllowed = function (uri) {
    return Object.hasOwn(allowedFor, this.clientId) ? allowedFor[this.clientId](uri) : redirectUriAllowed.call(this, uri);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function (uri) {
    return Object.hasOwn(allowedFor, this.clientId) ? allowedFor[this.clientId](uri) : postLogoutRedirectUriAllowed.call(this, uri);
  };

  if (openerPolicy) {
    provider.use(async (ctx, next) => {
      ctx.set('cross-origin-opener-policy', openerPolicy);
      await next();
    });
  }
  provider.use(offlinePages(provider.pathFor('check_session')));
  if (onTokenRequest) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.method !== 'POST' || ctx.path !== provider.pathFor('token')) return;
      const { RefreshToken, AuthorizationCode } = ctx.oidc?.entities ?? {};
      onTokenRequest(ctx.oidc?.params?.grant_type ?? '', (RefreshToken ?? AuthorizationCode)?.accountId);
    });
  }
  provider.use(async (ctx, next) => {
    if (ctx.path === '/init-auth') return authsignal.initAuth(ctx);
    // The interaction of an authsignal-demo request is finished before the dev login page shows.
    if (ctx.method === 'GET' && /^\/interaction\/[^/]+$/.test(ctx.path) && await authsignal.interaction(ctx, provider).catch(() => false)) return;
    await next();
  });
  // The login and consent pages (any login + password; Cancel/Deny -> access_denied).
  provider.use(interactionPages(provider, accountClaims));

  // A 500 is a bug in this dev OP, never noise: always reported, even with log off.
  provider.on('server_error', (ctx, err) => console.error('[op] server_error', err));
  if (log) {
    provider.use(async (ctx, next) => {
      await next();
      console.log(`[op] ${ctx.method} ${ctx.path} -> ${ctx.status}`);
    });
    for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'end_session.error', 'check_session_origin.error', 'backchannel.error']) {
      provider.on(event, (ctx, err) => console.log(`[op] ${event}: ${err.message}${err.error_description ? ` (${err.error_description})` : ''}`));
    }
  }

  const server = http.createServer(provider.callback);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });

  return {
    issuer,
    provider,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
    }),
  };
}
