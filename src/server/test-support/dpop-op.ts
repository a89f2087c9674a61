/// <reference types="node" />
// A real oidc-provider 9 (npm alias `oidc-provider-9`) that issues RFC 9068 JWT access tokens for
// one API (RFC 8707 resource indicator), DPoP-bound per RFC 9449 when the token request carries a
// proof: the OP for the API verifier's integration test. One confidential client with the
// client_credentials grant, so a token needs no browser. Test-only.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DPoPOp {
  issuer: string;
  /** The API's resource indicator: the `aud` of the tokens. */
  audience: string;
  client: { id: string; secret: string };
  close(): Promise<void>;
}

// Computed specifiers: oidc-provider and the JS recipes ship no declarations.
const specifier = 'oidc-provider-9';
const { default: Provider, errors } = (await import(/* @vite-ignore */ specifier)) as {
  default: new (issuer: string, configuration: object) => { callback(): http.RequestListener };
  errors: { InvalidTarget: new () => Error };
};
const { constructQuietly } = (await import(/* @vite-ignore */ new URL('../../../demo/op/dev-recipes.js', import.meta.url).href)) as {
  constructQuietly: <T>(construct: () => T) => T;
};

export async function startDPoPOp(): Promise<DPoPOp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const audience = 'https://api.example.com';
  const client = { id: 'api-tester', secret: randomBytes(16).toString('base64url') };
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = constructQuietly(() => new Provider(issuer, {
    clients: [{
      client_id: client.id,
      client_secret: client.secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    }],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== audience) throw new errors.InvalidTarget();
          return { scope: 'api:read', audience, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { ClientCredentials: 300 },
    jwks: { keys: [{ ...key, kid: `rs-${randomBytes(4).toString('hex')}`, use: 'sig', alg: 'RS256' }] },
  }));
  server.on('request', provider.callback());
  return {
    issuer,
    audience,
    client,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
