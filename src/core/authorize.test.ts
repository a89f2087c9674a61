import { createHash } from 'node:crypto';
import type { AuthorizationServer } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { authorizationUrl, createPkce, newTransaction } from './authorize.js';
import { resolveConfig } from './config.js';

const as = { issuer: 'https://op.example', authorization_endpoint: 'https://op.example/authorize?tenant=7' } as AuthorizationServer;

function urlFor(options: Parameters<typeof resolveConfig>[0]) {
  const config = resolveConfig(options);
  const tx = newTransaction(config, 'verifier');
  return { url: new URL(authorizationUrl(as, config, tx, { verifier: 'verifier', challenge: 'challenge' })), tx };
}

describe('authorizationUrl', () => {
  it('carries client, redirect, scope, state, nonce and PKCE S256, keeping the endpoint query', () => {
    const { url, tx } = urlFor({ issuer: 'https://op.example', clientId: 'app', prompt: 'login', authParams: { token: 't' } });
    const p = url.searchParams;
    expect(url.origin + url.pathname).toBe('https://op.example/authorize');
    expect(p.get('tenant')).toBe('7');
    expect(p.get('client_id')).toBe('app');
    expect(p.get('redirect_uri')).toBe(tx.redirectUri);
    expect(p.get('response_type')).toBe('code');
    expect(p.get('scope')).toBe('openid profile email');
    expect(p.get('state')).toBe(tx.state);
    expect(p.get('nonce')).toBe(tx.nonce);
    expect(p.get('code_challenge')).toBe('challenge');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('prompt')).toBe('login');
    expect(p.get('token')).toBe('t');
    expect(p.has('response_mode')).toBe(false);
  });

  it('sends response_mode unless it is the code flow\'s query: an OP must not guess where tokens go', () => {
    const mode = (options: Partial<Parameters<typeof resolveConfig>[0]>) => urlFor({ issuer: 'https://op.example', clientId: 'app', ...options }).url.searchParams.get('response_mode');
    expect(mode({})).toBeNull();
    expect(mode({ responseMode: 'fragment' })).toBe('fragment');
    // Glewlwyd 2.7 answers hybrid requests in the query unless told.
    expect(mode({ responseType: 'code id_token' })).toBe('fragment');
    expect(mode({ responseType: 'id_token' })).toBe('fragment');
  });

  it('leaves PKCE out of a request without a code', () => {
    const { url } = urlFor({ issuer: 'https://op.example', clientId: 'app', responseType: 'id_token token' });
    expect(url.searchParams.has('code_challenge')).toBe(false);
  });
});

describe('createPkce', () => {
  it('makes an S256 challenge of a fresh verifier', async () => {
    const a = await createPkce();
    const b = await createPkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(createHash('sha256').update(a.verifier).digest('base64url'));
  });
});
