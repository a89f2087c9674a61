// A page load takes one redirect answer (module state), so each case loads the client afresh.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { AqClientOptions } from './config.js';

const issuer = 'https://op.response-mode.example';
const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  sessionStorage.clear();
  vi.resetModules();
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) =>
    String(input).endsWith('/jwks')
      ? json({ keys: [] })
      : json({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }),
  );
  vi.spyOn(window.location, 'assign').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

it.each<[string, Partial<AqClientOptions>, (state: string) => string]>([
  ['a code flow answer in the fragment', {}, (state) => `/#code=c&state=${state}`],
  ['tokens in the query (issue 13, 11)', { responseType: 'id_token token' }, (state) => `/?id_token=x.y.z&access_token=a&state=${state}`],
  ['a fragment-mode code answer in the query', { responseMode: 'fragment' }, (state) => `/?code=c&state=${state}`],
])('an answer must come the way it was asked for: refuses %s', async (_name, options, url) => {
  const { createClient } = await import('./client.js');
  const c = createClient({ issuer, clientId: 'app', display: 'redirect', ...options });
  void c.signIn();
  await vi.waitFor(() => expect(Object.keys(sessionStorage).some((k) => k.startsWith('aq-signin:tx:'))).toBe(true));
  const state = Object.keys(sessionStorage).find((k) => k.startsWith('aq-signin:tx:'))!.slice('aq-signin:tx:'.length);
  history.replaceState(null, '', url(state));
  const err = await c.handleRedirectCallback().then(() => undefined, (e: unknown) => e as { code: string; message: string });
  c.dispose();
  expect(err?.code).toBe('AQ_RESPONSE_INVALID');
  expect(err?.message).toMatch(/it came in the (query|fragment), but response_mode is/);
});
