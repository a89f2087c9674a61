/// <reference types="node" />
// The real dev OP (demo/op/provider.js, oidc-provider 6.31) for the server helpers' tests, on a
// free port, and its devInteractions login and consent pages driven over HTTP (fetch + a cookie
// jar) as a browser would, without one. Test-only.
import { createHash, randomBytes } from 'node:crypto';
import { freePort } from '../../../scripts/free-port.mjs';
import type { CodeHandoff } from '../code-handler.js';

/** The part of demo/op/provider.js these tests use (it is plain JS without declarations). */
interface ProviderModule {
  startOp(options: { port: number; rpOrigins: string[] }): Promise<DevOp>;
  UNSIGNED_CLIENT: DevOpClient;
}

export interface DevOp {
  issuer: string;
  close(): Promise<void>;
}

export interface DevOpClient {
  id: string;
  secret: string;
  auth: 'client_secret_basic' | 'client_secret_post';
}

/** The redirect URI every dev-OP sign-in here uses. Nothing listens there: the code is read off the OP's redirect. */
export const DEV_OP_REDIRECT = 'http://localhost:5173/';

// A computed specifier: TypeScript would otherwise want declarations for the JS module.
const provider = (await import(/* @vite-ignore */ new URL('../../../demo/op/provider.js', import.meta.url).href)) as ProviderModule;

/** The dev OP's confidential client whose token-endpoint ID tokens are unsigned. */
export const UNSIGNED_CLIENT: DevOpClient = provider.UNSIGNED_CLIENT;

/** Starts the dev OP on a free port, `DEV_OP_REDIRECT`'s origin as its RP origin. */
export async function startDevOp(): Promise<DevOp> {
  return provider.startOp({ port: await freePort(), rpOrigins: [new URL(DEV_OP_REDIRECT).origin] });
}

/** What the element would POST to `backend-url` after a code sign-in. */
export type DevOpHandoff = Omit<CodeHandoff, 'id_token'>;

/**
 * One code + PKCE authorization request of `clientId` through the dev OP's login page (as
 * `login`) and consent page; resolves with the hand-off. Throws on an OP error or a page it does
 * not know.
 */
export async function signInAtOp(op: DevOp, clientId: string, login: string): Promise<DevOpHandoff> {
  const jar = new Map<string, string>();
  const go = async (url: URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };

  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const codeVerifier = randomBytes(32).toString('base64url');
  let url = new URL('/auth', op.issuer);
  url.search = new URLSearchParams({
    client_id: clientId, response_type: 'code', scope: 'openid email', redirect_uri: DEV_OP_REDIRECT, state, nonce,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();

  for (let step = 0; step < 12; step++) {
    const res = await go(url);
    if (res.status === 200 && /^\/interaction\/[^/]+$/.test(url.pathname)) {
      // A devInteractions page: login, then consent, each a form with a hidden "prompt".
      const prompt = /name="prompt" value="(\w+)"/.exec(await res.text())?.[1];
      if (prompt !== 'login' && prompt !== 'consent') throw new Error(`unexpected interaction page at ${url.href} (prompt ${prompt})`);
      const form = new URLSearchParams({ prompt, ...(prompt === 'login' ? { login, password: 'any' } : {}) });
      const posted = await go(url, { method: 'POST', body: form });
      url = new URL(posted.headers.get('location') ?? '', url);
      continue;
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(`dev OP answered ${res.status} at ${url.href}: ${(await res.text()).slice(0, 300)}`);
    }
    url = new URL(location, url);
    if (url.href.startsWith(DEV_OP_REDIRECT)) {
      const params = url.searchParams;
      if (params.get('error')) throw new Error(`dev OP error: ${params.get('error')} (${params.get('error_description')})`);
      if (params.get('state') !== state) throw new Error(`dev OP returned state ${params.get('state')}, sent ${state}`);
      // RFC 9207: the dev OP names itself on a response without an ID token; the hand-off carries it, as the element's does.
      return { code: params.get('code')!, state, iss: params.get('iss') ?? undefined, redirect_uri: DEV_OP_REDIRECT, code_verifier: codeVerifier, nonce };
    }
  }
  throw new Error('dev OP: no redirect back to the RP after 12 steps');
}
