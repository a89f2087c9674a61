/// <reference types="node" />
// A tiny in-process OpenID Provider for the server helpers' unit tests: discovery, JWKS, a token
// endpoint for confidential clients with PKCE, userinfo. Each test issues codes directly and can
// make the OP misbehave (tamper with the ID token, answer another userinfo sub). Test-only.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK, JWTPayload } from 'jose';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from 'jose';

export interface StubClient {
  clientId: string;
  clientSecret: string;
  auth: 'client_secret_basic' | 'client_secret_post';
}

interface IssuedCode {
  clientId: string;
  sub: string;
  nonce: string;
  challenge: string;
  redirectUri: string;
}

export interface StubOp {
  issuer: string;
  client: StubClient;
  /** Every request the OP served: "METHOD /path". */
  requests: string[];
  /** Issues a code as the authorization endpoint would. */
  issueCode(o: { sub: string; nonce: string; codeVerifier: string; redirectUri: string }): string;
  /** Signs claims with the OP's RS256 key (what the OP would send), with optional header extras. */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** Changes the ID token the token endpoint issues. */
  tamperIdToken?: (claims: JWTPayload) => JWTPayload;
  /** Replaces the signed ID token (e.g. one signed with another key). */
  tamperIdTokenJwt?: (jwt: string, claims: JWTPayload) => Promise<string>;
  /** Issues the token endpoint's ID token unsigned (`alg: none`), as Authentiq does for confidential clients. */
  unsignedIdToken?: boolean;
  /** Changes what userinfo answers. */
  tamperUserinfo?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** Changes the discovery document the OP serves. */
  tamperDiscovery?: (doc: Record<string, unknown>) => Record<string, unknown>;
  /** Extra claims (JWT) for the access token; when unset the access token is opaque. */
  accessTokenClaims?: JWTPayload;
  close(): Promise<void>;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export async function startStubOp(client: StubClient): Promise<StubOp> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = `stub-${randomBytes(4).toString('hex')}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, string>(); // token -> sub

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://localhost:${port}`;

  const sign = (claims: JWTPayload, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, ...header }).sign(privateKey);

  const op: StubOp = {
    issuer,
    client,
    requests: [],
    issueCode({ sub, nonce, codeVerifier, redirectUri }) {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { clientId: client.clientId, sub, nonce, challenge: s256(codeVerifier), redirectUri });
      return code;
    },
    sign,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  async function token(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const form = new URLSearchParams(body);
    let id: string | null = null;
    let secret: string | null = null;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (client.auth === 'client_secret_basic' && basic) {
      // RFC 6749 §2.3.1: both parts form-urlencoded before base64.
      const [u, p] = Buffer.from(basic[1]!, 'base64').toString().split(':');
      id = decodeURIComponent(u ?? '');
      secret = decodeURIComponent(p ?? '');
    } else if (client.auth === 'client_secret_post') {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    if (id !== client.clientId || secret !== client.clientSecret) return send(res, 401, { error: 'invalid_client' });
    const issued = codes.get(form.get('code') ?? '');
    if (!issued) return send(res, 400, { error: 'invalid_grant', error_description: 'authorization code not found' });
    codes.delete(form.get('code')!);
    if (s256(form.get('code_verifier') ?? '') !== issued.challenge) return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
    if (form.get('redirect_uri') !== issued.redirectUri) return send(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
    const now = Math.floor(Date.now() / 1000);
    let claims: JWTPayload = { iss: issuer, aud: client.clientId, sub: issued.sub, nonce: issued.nonce, iat: now, exp: now + 300, sid: 'sid-1', email: `${issued.sub}@example.com` };
    if (op.tamperIdToken) claims = op.tamperIdToken(claims);
    const accessToken = op.accessTokenClaims
      ? await sign({ iss: issuer, aud: client.clientId, sub: issued.sub, iat: now, exp: now + 300, ...op.accessTokenClaims })
      : randomBytes(16).toString('base64url');
    accessTokens.set(accessToken, issued.sub);
    let idToken = op.unsignedIdToken ? new UnsecuredJWT(claims).encode() : await sign(claims);
    if (op.tamperIdTokenJwt) idToken = await op.tamperIdTokenJwt(idToken, claims);
    send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, scope: 'openid email', id_token: idToken });
  }

  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', issuer).pathname;
      op.requests.push(`${req.method} ${path}`);
      const body = Buffer.concat(chunks).toString();
      if (path === '/.well-known/openid-configuration') {
        const doc: Record<string, unknown> = {
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/me`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code', 'code id_token'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        };
        return send(res, 200, op.tamperDiscovery ? op.tamperDiscovery(doc) : doc);
      }
      if (path === '/jwks') return send(res, 200, { keys: [publicJwk] });
      if (path === '/token' && req.method === 'POST') return void token(req, res, body).catch((err) => send(res, 500, { error: String(err) }));
      if (path === '/me') {
        const sub = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /i, ''));
        if (!sub) return send(res, 401, { error: 'invalid_token' });
        let claims: Record<string, unknown> = { sub, email: `${sub}@example.com`, name: 'Alice Example' };
        if (op.tamperUserinfo) claims = op.tamperUserinfo(claims);
        return send(res, 200, claims);
      }
      send(res, 404, { error: 'not_found' });
    });
  });
  return op;
}
