// @vitest-environment node
// (happy-dom's URL.parse returns a URL that is not an instance of its own URL, which oauth4webapi checks.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Pushed } from './par.js';
import { PushedAhead, pushRequest } from './par.js';
import { ISSUER, RP } from './test-support/signer.js';
import type { Discovered } from './oauth.js';
import type { Transaction } from './transaction.js';

const d: Discovered = {
  as: { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, pushed_authorization_request_endpoint: `${ISSUER}/par` },
  jwks: { jwks: { keys: [] }, uat: 0 },
  insecure: false,
};
const tx = { state: 's' } as Transaction;
const request = { url: `${ISSUER}/auth?client_id=app&response_type=code&state=s&code_challenge=C`, tx };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('pushRequest', () => {
  it('posts the request parameters and opens the OP with client_id and request_uri only (RFC 9126 §4)', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify({ request_uri: 'urn:x:1', expires_in: 60 }), { status: 201, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    const pushed = await pushRequest(d, RP, request);
    expect(pushed.url).toBe(`${ISSUER}/auth?client_id=app&request_uri=urn%3Ax%3A1`);
    expect(pushed.tx).toBe(tx);
    expect(pushed.staleAt - Date.now()).toBeGreaterThan(49_000);
    expect(pushed.staleAt - Date.now()).toBeLessThanOrEqual(50_000);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${ISSUER}/par`);
    expect(Object.fromEntries(new URLSearchParams(init?.body as URLSearchParams))).toEqual({ client_id: 'app', response_type: 'code', state: 's', code_challenge: 'C' });
  });

  it('an OP refusal is AQ_PAR_FAILED with its error; no endpoint is AQ_CONFIG_INVALID', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: 'invalid_request', error_description: 'bad scope' }), { status: 400, headers: { 'content-type': 'application/json' } })));
    await expect(pushRequest(d, RP, request)).rejects.toMatchObject({ code: 'AQ_PAR_FAILED', error: 'invalid_request', message: expect.stringContaining(`${ISSUER}/par`) });
    const without = { ...d, as: { ...d.as, pushed_authorization_request_endpoint: undefined } };
    await expect(pushRequest(without, RP, request)).rejects.toMatchObject({ code: 'AQ_CONFIG_INVALID' });
  });
});

describe('PushedAhead', () => {
  let visibility: DocumentVisibilityState;
  let onVisibility: () => void;
  beforeEach(() => {
    vi.useFakeTimers();
    visibility = 'visible';
    vi.stubGlobal('document', {
      get visibilityState() {
        return visibility;
      },
      addEventListener: (_: string, fn: () => void) => (onVisibility = fn),
      removeEventListener: () => {},
    });
  });

  function pusher() {
    let n = 0;
    return vi.fn(async (): Promise<Pushed> => ({ url: `u${++n}`, tx, staleAt: Date.now() + 50_000 }));
  }

  it('hands out a pushed request once, pushes the next, and pushes anew when it goes stale', async () => {
    const push = pusher();
    const ahead = new PushedAhead(push, () => true);
    ahead.renew();
    await vi.advanceTimersByTimeAsync(0);
    expect(ahead.take()?.url).toBe('u1');
    expect(ahead.take()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(0);
    expect(push).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(push).toHaveBeenCalledTimes(3);
    expect(ahead.take()?.url).toBe('u3');
    ahead.stop();
  });

  it('pushes nothing while the page is hidden or no sign-in is wanted, and catches up when visible', async () => {
    const push = pusher();
    let wanted = false;
    const ahead = new PushedAhead(push, () => wanted);
    ahead.renew();
    wanted = true;
    visibility = 'hidden';
    ahead.renew();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(push).not.toHaveBeenCalled();
    visibility = 'visible';
    onVisibility();
    await vi.advanceTimersByTimeAsync(0);
    expect(ahead.take()?.url).toBe('u1');
    ahead.stop();
  });

  it('renew() drops what was pushed with the old key, also a push still under way', async () => {
    let resolve!: (p: Pushed) => void;
    const push = vi.fn(() => new Promise<Pushed>((r) => (resolve = r)));
    const ahead = new PushedAhead(push, () => true);
    ahead.renew();
    const first = resolve;
    ahead.renew();
    first({ url: 'old', tx, staleAt: Date.now() + 50_000 });
    resolve({ url: 'new', tx, staleAt: Date.now() + 50_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(ahead.take()?.url).toBe('new');
    ahead.stop();
  });

  it('a stale request is not handed out', async () => {
    const push = vi.fn(async (): Promise<Pushed> => ({ url: 'u', tx, staleAt: Date.now() - 1 }));
    const ahead = new PushedAhead(push, () => true);
    ahead.renew();
    await vi.advanceTimersByTimeAsync(0);
    expect(ahead.take()).toBeUndefined();
    // Not pushed again and again: an OP whose requests live seconds gets one push per click.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(push).toHaveBeenCalledTimes(2);
    ahead.stop();
  });
});
