// oidc-provider 9.x (npm alias `oidc-provider-9`): the current line of the most used Node OP. No
// Session Management (removed in 7.0), RP-initiated logout with a confirmation page, RFC 9207 `iss`
// on responses without an ID token. Development interactions: any login and password.
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider-9';
import { allowImplicitOnLocalhost, constructQuietly } from '../../../demo/op/dev-recipes.js';

export const RESPONSE_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Starts it on 127.0.0.1:port, issuer http://localhost:port, with one public client `interop`
 * whose redirect and post-logout URIs are `redirectUris` (exact match, as 9.x requires).
 * @param {{ port: number, clientId: string, redirectUris: string[] }} options
 */
export async function startOidcProvider9({ port, clientId, redirectUris }) {
  const issuer = `http://localhost:${port}`;
  const origins = new Set(redirectUris.map((u) => new URL(u).origin));
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const configuration = {
    clients: [{
      client_id: clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'implicit'],
      response_types: RESPONSE_TYPES,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris,
    }],
    responseTypes: RESPONSE_TYPES,
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    findAccount: (ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, name: `${cap(sub)} Interop`, given_name: cap(sub), family_name: 'Interop', email: `${sub}@example.com`, email_verified: true }),
    }),
    clientBasedCORS: (ctx, origin) => origins.has(origin),
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [{ ...key, kid: `rs-${Date.now().toString(36)}`, use: 'sig', alg: 'RS256' }] },
  };
  const provider = constructQuietly(() => new Provider(issuer, configuration));
  allowImplicitOnLocalhost(provider);
  provider.on('server_error', (ctx, err) => console.error('[oidc-provider 9] server_error', err));
  const server = http.createServer(provider.callback());
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  return {
    issuer,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
