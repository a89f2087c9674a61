// A hostile OpenID Provider for the negative e2e cases: discovery, JWKS, an /authorize that asks
// nothing and answers at once, a /token that checks PKCE and then hands out an ID token that is
// wrong in exactly the way the current case says (see cases.js), and userinfo.
//
// It runs inside the Playwright worker: the spec starts it in beforeAll and picks the case with
// setCase(name) before each sign-in (rotateKeys() for the second half of "key-rotation").
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { BASE, CASES, KEYS, subjectOf } from './cases.js';
import { compactJws, newKey } from './jws.js';

const TOKEN_LIFETIME = 600;
const random = () => randomBytes(24).toString('base64url');

/**
 * @param {{ port?: number, rpOrigin?: string }} [options]
 * @returns {Promise<import('./server.js').HostileOp>}
 */
export async function startHostileOp({ port = 3300, rpOrigin = 'http://localhost:5174' } = {}) {
  const issuer = `http://localhost:${port}`;
  const keys = Object.fromEntries(Object.entries(KEYS).map(([kid, kty]) => [kid, newKey(/** @type {'RSA' | 'EC'} */ (kty), kid)]));
  let current = 'ok-rs256';
  /** Token requests that followed the 307 of the token-redirect case: there must be none. */
  let redirectedTokenRequests = 0;
  let rotated = false;
  /** @returns {import('./cases.js').Plan} */
  const plan = () => ({ ...BASE, ...CASES[current], ...(rotated ? CASES[current].rotated : {}) });
  /** @type {Map<string, { clientId: string, redirectUri: string, nonce?: string, challenge: string }>} */
  const codes = new Map();
  /** @type {Map<string, string>} access token -> sub */
  const grants = new Map();

  /** @type {Record<string, (req: import('node:http').IncomingMessage, url: URL) => Promise<Answer> | Answer>} */
  const routes = {
    'GET /.well-known/openid-configuration': () => json(200, {
      issuer: plan().discoveryIssuer ?? issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'PS256', 'EdDSA'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid', 'profile', 'email'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'given_name', 'email'],
    }),
    'GET /jwks': () => json(200, { keys: plan().jwks.map((kid) => ({ ...keys[kid].jwk, ...plan().jwkChanges?.[kid] })) }),
    'GET /authorize': (_req, url) => authorize(url.searchParams),
    'POST /token': async (req) => {
      const form = await body(req);
      // A 307 keeps the method and body: a client that follows it sends the code and the PKCE
      // verifier wherever the token endpoint points (here /token-elsewhere, which answers well).
      if (plan().tokenRedirect) return { status: 307, headers: { location: `${issuer}/token-elsewhere` }, body: '' };
      return token(new URLSearchParams(form));
    },
    'POST /token-elsewhere': async (req) => {
      redirectedTokenRequests++;
      return token(new URLSearchParams(await body(req)));
    },
    'GET /userinfo': (req) => userinfo(req),
    'POST /userinfo': (req) => userinfo(req),
  };

  /** @param {URLSearchParams} q */
  function authorize(q) {
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri || new URL(redirectUri).origin !== rpOrigin) return json(400, { error: 'invalid_request', error_description: `redirect_uri must be on ${rpOrigin}` });
    const back = new URL(redirectUri);
    const answer = new URLSearchParams();
    const p = plan();
    const type = (q.get('response_type') ?? '').split(' ');
    const challenge = q.get('code_challenge');
    const clientId = q.get('client_id');
    if (p.authorizeError) {
      for (const [k, v] of Object.entries(p.authorizeError)) answer.set(k, v);
    } else if (!clientId || (type.includes('code') && (q.get('code_challenge_method') !== 'S256' || !challenge))) {
      answer.set('error', 'invalid_request');
      answer.set('error_description', 'the hostile OP wants a client_id, and PKCE S256 with a code');
    } else {
      if (type.includes('code')) {
        const code = random();
        codes.set(code, { clientId, redirectUri, nonce: q.get('nonce') ?? undefined, challenge });
        answer.set('code', code);
      }
      if (type.includes('token')) {
        const accessToken = random();
        grants.set(accessToken, p.userinfoSub ?? subjectOf(current));
        answer.set('access_token', accessToken);
        answer.set('token_type', 'Bearer');
      }
      // Implicit and hybrid: an ID token in the front channel, bound to the code and the access
      // token by c_hash and at_hash (OIDC Core 3.3.2.11), then spoiled as the case says.
      if (type.includes('id_token')) {
        const hashes = {
          at_hash: answer.has('access_token') ? leftHalf(p.alg, answer.get('access_token')) : undefined,
          c_hash: answer.has('code') ? leftHalf(p.alg, answer.get('code')) : undefined,
        };
        answer.set('id_token', idToken(p, clientId, q.get('nonce') ?? undefined, hashes));
      }
    }
    if (q.has('state')) answer.set('state', /** @type {string} */ (q.get('state')));
    if (p.issParam) answer.set('iss', p.issParam);
    const mode = q.get('response_mode') ?? (type.join(' ') === 'code' ? 'query' : 'fragment');
    if (mode === 'fragment') back.hash = answer.toString();
    else for (const [k, v] of answer) back.searchParams.set(k, v);
    return { status: 302, headers: { location: back.href }, body: '' };
  }

  /** An ID token for the current plan: correct claims first, then what the case changes. */
  function idToken(p, clientId, nonce, extra = {}) {
    const now = Math.floor(Date.now() / 1000);
    const claims = p.claims({ iss: issuer, sub: subjectOf(current), aud: clientId, exp: now + TOKEN_LIFETIME, iat: now, auth_time: now, nonce, ...extra });
    const key = p.signer === 'client-id' ? clientId : keys[p.signer].privateKey;
    return compactJws({ alg: p.alg, typ: 'JWT', kid: p.kid, ...p.header }, claims, key);
  }

  /** @type {Map<string, { clientId: string, nonce?: string }>} refresh token -> grant */
  const refreshTokens = new Map();

  /** @param {URLSearchParams} form */
  function token(form) {
    if (form.get('grant_type') === 'refresh_token') return refresh(form);
    const code = form.get('code') ?? '';
    const grant = codes.get(code);
    codes.delete(code); // single use
    const verifier = form.get('code_verifier') ?? '';
    const pkce = createHash('sha256').update(verifier).digest('base64url');
    if (form.get('grant_type') !== 'authorization_code' || !grant || grant.clientId !== form.get('client_id') ||
      grant.redirectUri !== form.get('redirect_uri') || pkce !== grant.challenge) {
      return json(400, { error: 'invalid_grant', error_description: 'unknown or used code, or client_id, redirect_uri or code_verifier does not match' });
    }
    const p = plan();
    if (p.tokenError) return json(400, p.tokenError);
    const accessToken = random();
    grants.set(accessToken, p.userinfoSub ?? subjectOf(current));
    const refreshToken = p.refresh ? random() : undefined;
    if (refreshToken) refreshTokens.set(refreshToken, grant);
    return json(200, {
      access_token: accessToken,
      token_type: p.tokenType ?? 'Bearer',
      expires_in: p.tokenExpiresIn ?? (p.refresh ? 10 : TOKEN_LIFETIME),
      refresh_token: refreshToken,
      id_token: idToken(p, grant.clientId, grant.nonce, { at_hash: p.tokenAtHash?.(leftHalf(p.alg, accessToken)) }),
    });
  }

  /** A refresh (RFC 6749 §6), rotating the refresh token; its ID token names the case's `refresh.sub`. */
  function refresh(form) {
    const used = form.get('refresh_token') ?? '';
    const grant = refreshTokens.get(used);
    refreshTokens.delete(used);
    const p = plan();
    if (!grant || !p.refresh) return json(400, { error: 'invalid_grant', error_description: 'unknown or used refresh token' });
    const accessToken = random();
    const refreshToken = random();
    refreshTokens.set(refreshToken, grant);
    const sub = p.refresh.sub ?? subjectOf(current);
    grants.set(accessToken, sub);
    return json(200, {
      access_token: accessToken, token_type: 'Bearer', expires_in: 10, refresh_token: refreshToken,
      id_token: idToken({ ...p, claims: (c) => p.claims({ ...c, sub }) }, grant.clientId, grant.nonce),
    });
  }

  /** @param {import('node:http').IncomingMessage} req */
  function userinfo(req) {
    const sub = grants.get(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!sub) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, body: '' };
    const name = sub.replace(/^user-of-/, '');
    return json(200, { sub, name: `Hostile ${name}`, given_name: 'Hostile', email: `${name}@hostile.example` });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    // CORS for the RP page: fetch() of discovery, JWKS, token, and userinfo (with Authorization,
    // which needs a preflight).
    res.setHeader('access-control-allow-origin', rpOrigin);
    res.setHeader('vary', 'origin');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, content-type',
        'access-control-max-age': '600',
      }).end();
      return;
    }
    const route = routes[`${req.method} ${url.pathname}`];
    Promise.resolve(route ? route(req, url) : json(404, { error: 'not_found' }))
      .catch((err) => json(500, { error: 'server_error', error_description: String(err) }))
      .then(({ status, headers, body: text }) => res.writeHead(status, { 'cache-control': 'no-store', ...headers }).end(text));
  });
  await listen(server, port);

  return {
    issuer,
    get redirectedTokenRequests() {
      return redirectedTokenRequests;
    },
    setCase(name) {
      if (!Object.hasOwn(CASES, name)) throw new Error(`hostile OP: unknown case "${name}"; known: ${Object.keys(CASES).join(', ')}`);
      current = name;
      rotated = false;
    },
    rotateKeys() {
      if (!CASES[current].rotated) throw new Error(`hostile OP: case "${current}" has no key rotation`);
      rotated = true;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** @typedef {{ status: number, headers?: Record<string, string>, body: string }} Answer */

/** @returns {Answer} */
const json = (/** @type {number} */ status, /** @type {unknown} */ value) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

/** @param {import('node:http').IncomingMessage} req */
/**
 * at_hash / c_hash: the left half of the hash the ID token's alg uses (SHA-512 for EdDSA).
 * @param {string} alg
 * @param {unknown} value
 */
const leftHalf = (alg, value) => {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : `sha${alg.slice(2)}`).update(String(value)).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
};

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

/**
 * A worker of the spec that failed is replaced by a new one while the old may still hold the
 * port: wait for it a few seconds rather than fail.
 * @param {import('node:http').Server} server
 * @param {number} port
 */
async function listen(server, port) {
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve(undefined);
        });
      });
      return;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EADDRINUSE' || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
