// The tokens OP: oidc-provider 9.x (npm alias `oidc-provider-9`) with DPoP (RFC 9449) and Pushed
// Authorization Requests (RFC 9126). The dev OP (oidc-provider 6.31) implements DPoP draft 01
// only (no nonces, no `ath`), which oauth4webapi 3 does not speak, and no PAR: these tests and the
// demo's DPoP/PAR page use this one. Development interactions: any login and password.
//
//   node e2e/ops/tokens-op.js [port] [rp-origin]    (default 3120, http://localhost:5173)
//
// Clients, all public with PKCE, redirect URIs on the RP origins:
//   tokens        DPoP when the page sends proofs, PAR when it pushes
//   tokens-nonce  the OP requires a DPoP nonce (RFC 9449 §8): the first proof is answered use_dpop_nonce
//   tokens-par    the OP requires its requests pushed (client metadata require_pushed_authorization_requests)
//   tokens-refresh  access tokens live 10 s: with offline_access (and prompt=consent), renewals come quickly
//   tokens-api    access tokens are RFC 9068 JWTs for the API `API_RESOURCE` (RFC 8707 resource
//                 indicator, the default for this client only; scope `api:read`), which an API
//                 verifies itself; the other clients' tokens stay opaque, for userinfo
// and `api`, a confidential client (secret `api-secret`) for token introspection, as an API would.
// `requirePar: true` makes PAR required for every client, said in discovery.
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Provider, { errors } from 'oidc-provider-9';
import { constructQuietly } from '../../demo/op/dev-recipes.js';

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** The resource indicator of the `tokens-api` client's access tokens: their `aud`. */
export const API_RESOURCE = 'https://api.example.com';
const forApi = (client) => client?.clientId === 'tokens-api';

/**
 * Starts it on 127.0.0.1:port, issuer http://localhost:port. `requests` lists every request it
 * answered ({ method, path, query, status, dpop, error }), for tests that count them.
 * `parSeconds`: how long a pushed request stays valid (RFC 9126 §2.2 expires_in; at most 60, the OP's own).
 * @param {{ port: number, rpOrigins: string[], pages?: string[], requirePar?: boolean, parSeconds?: number }} options
 */
export async function startTokensOp({ port, rpOrigins, pages = ['/e2e/pages/signin.html', '/'], requirePar = false, parSeconds = 60 }) {
  const issuer = `http://localhost:${port}`;
  const origins = new Set(rpOrigins);
  const redirectUris = rpOrigins.flatMap((o) => pages.map((p) => new URL(p, o).href));
  const publicClient = (clientId, extra = {}) => ({
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    ...extra,
  });
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const configuration = {
    clients: [
      publicClient('tokens'),
      publicClient('tokens-nonce'),
      publicClient('tokens-par', { require_pushed_authorization_requests: true }),
      publicClient('tokens-refresh'),
      publicClient('tokens-api'),
      { client_id: 'api', client_secret: 'api-secret', grant_types: [], response_types: [], redirect_uris: [] },
    ],
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name'], email: ['email', 'email_verified'] },
    // Profile claims from userinfo only: a sign-in then makes a DPoP-bound userinfo request.
    conformIdTokenClaims: true,
    findAccount: (ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, name: `${cap(sub)} Tokens`, given_name: cap(sub), family_name: 'Tokens', email: `${sub}@example.com`, email_verified: true }),
    }),
    clientBasedCORS: (ctx, origin) => origins.has(origin),
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      dPoP: {
        enabled: true,
        nonceSecret: randomBytes(32),
        // At the token and PAR endpoints, where the client is known.
        requireNonce: (ctx) => ctx.oidc.client?.clientId === 'tokens-nonce',
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: requirePar },
      introspection: { enabled: true, allowedPolicy: (ctx, client) => client.clientId === 'api' },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, client, oneOf) => oneOf ?? (forApi(client) ? API_RESOURCE : undefined),
        // With `openid` in the scope the token request would otherwise get a userinfo token.
        useGrantedResource: (ctx) => forApi(ctx.oidc.client),
        getResourceServerInfo: (ctx, resource, client) => {
          if (resource !== API_RESOURCE || !forApi(client)) throw new errors.InvalidTarget();
          return { scope: 'api:read', audience: API_RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    // Its own cookie names: other OPs of the tests run on localhost too, and cookies ignore ports.
    cookies: { keys: [randomBytes(32).toString('base64url')], names: { session: `_s${port}`, interaction: `_i${port}`, resume: `_r${port}` } },
    ttl: { AccessToken: (ctx, token, client) => (client?.clientId === 'tokens-refresh' ? 10 : 600), RefreshToken: 3600, IdToken: 600, Grant: 3600, Session: 3600, Interaction: 600, AuthorizationCode: 60 },
    jwks: { keys: [{ ...key, kid: `rs-${Date.now().toString(36)}`, use: 'sig', alg: 'RS256' }] },
  };
  const provider = constructQuietly(() => new Provider(issuer, configuration));
  provider.on('server_error', (ctx, err) => console.error('[tokens OP] server_error', err));
  // oidc-provider keeps pushed requests 60 s, not configurable: a shorter life is set on each one
  // as it is made (stored again with that ttl) and said in its expires_in.
  if (parSeconds < 60) {
    provider.on('pushed_authorization_request.success', (ctx) => {
      ctx.body.expires_in = parSeconds;
      ctx.oidc.entities.PushedAuthorizationRequest.save(parSeconds).catch((err) => console.error('[tokens OP]', err));
    });
  }
  const requests = [];
  const handle = provider.callback();
  const server = http.createServer((req, res) => {
    // The OP's error answers come as JSON (token, PAR) or in WWW-Authenticate (userinfo).
    let text = '';
    const { write, end } = res;
    res.write = function (chunk, ...rest) {
      text += chunk ?? '';
      return write.call(this, chunk, ...rest);
    };
    res.end = function (chunk, ...rest) {
      if (chunk && typeof chunk !== 'function') text += chunk;
      return end.call(this, chunk, ...rest);
    };
    res.on('finish', () => {
      const error = /"error":"([^"]+)"/.exec(text)?.[1] ?? /error="([^"]+)"/.exec(String(res.getHeader('www-authenticate') ?? ''))?.[1];
      const url = new URL(req.url, issuer);
      requests.push({ method: req.method, path: url.pathname, query: url.search, status: res.statusCode, dpop: !!req.headers.dpop, error });
    });
    handle(req, res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    issuer,
    provider,
    requests,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 3120);
  const op = await startTokensOp({ port, rpOrigins: [process.argv[3] ?? 'http://localhost:5173'], pages: ['/', '/index.html', '/redirect.html', '/backend.html'] });
  console.log(`tokens OP (oidc-provider 9, DPoP + PAR) at ${op.issuer}`);
}
