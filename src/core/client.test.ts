import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AqError } from '../errors.js';
import type { AqEventDetail } from '../events.js';
import { AqClient, createClient } from './client.js';
import type { AqClientOptions } from './config.js';
import type { SignedInRecord } from './store.js';
import { createStore } from './store.js';

// Discovery is cached per issuer for the page's lifetime: every test gets an OP of its own.
let n = 0;
const nextIssuer = () => `https://op${++n}.client-test.example`;
const discoveryUrl = (issuer: string) => `${issuer}/.well-known/openid-configuration`;

type FetchHandler = (url: string) => Response | Promise<Response>;
let handler: FetchHandler;
const fetchMock = vi.fn((input: RequestInfo | URL) => Promise.resolve(handler(String(input instanceof Request ? input.url : input))));

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

function discoveryDocument(issuer: string) {
  return { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` };
}

/** A well-behaved OP whose discovery says `claimedIssuer` is its issuer. */
function serveOp(issuer: string, claimedIssuer = issuer): void {
  handler = (url) => {
    if (url === discoveryUrl(issuer)) return json(discoveryDocument(claimedIssuer));
    if (url === `${issuer}/jwks`) return json({ keys: [] });
    return new Response('not found', { status: 404 });
  };
}

async function rejection(promise: Promise<unknown>, code: AqError['code']): Promise<AqError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AqError);
  expect((err as AqError).code).toBe(code);
  return err as AqError;
}

const clients: AqClient[] = [];
function client(issuer = nextIssuer()): AqClient {
  const c = createClient({ issuer, clientId: 'app' });
  clients.push(c);
  return c;
}

function events<K extends keyof AqEventDetail>(target: EventTarget, type: K): AqEventDetail[K][] {
  const seen: AqEventDetail[K][] = [];
  target.addEventListener(type, (e) => seen.push((e as CustomEvent<AqEventDetail[K]>).detail));
  return seen;
}

// A stored ID token is only read back (it was verified before it was stored): sub and exp must agree.
const record = (expiresAt: number): SignedInRecord => ({
  profile: { sub: 'alice' },
  idToken: `e30.${btoa(JSON.stringify({ sub: 'alice', exp: expiresAt })).replace(/=+$/, '')}.sig`,
  expiresAt,
});
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
  fetchMock.mockClear();
  // Unless a test serves an OP, the network is unreachable.
  handler = () => Promise.reject(new TypeError('Failed to fetch'));
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('AqClient', () => {
  it('throws AQ_CONFIG_INVALID on bad options', () => {
    expect(() => new AqClient({ issuer: 'https://op.example', clientId: '' })).toThrow(expect.objectContaining({ code: 'AQ_CONFIG_INVALID', message: expect.stringContaining('"client-id"') }));
    expect(() => createClient({ issuer: 'http://op.example', clientId: 'app' })).toThrow(AqError);
  });

  describe('restore', () => {
    it('returns null when nobody is stored', () => {
      const c = client();
      expect(c.restore()).toBeNull();
      expect(c.signedIn).toBe(false);
    });

    it('brings back an unexpired user and announces it', () => {
      const issuer = nextIssuer();
      const stored = record(nowSeconds() + 3600);
      createStore('session', `${issuer}/`, 'app').save(stored);
      const c = client(issuer);
      const profiles = events(c, 'aq-profile');
      expect(c.restore()).toEqual(stored);
      expect([c.signedIn, c.idToken, c.profile]).toEqual([true, stored.idToken, { sub: 'alice' }]);
      expect(profiles).toEqual([{ profile: { sub: 'alice' } }]);
    });

    it('removes an expired user and reports the expiry', () => {
      const issuer = nextIssuer();
      const store = createStore('session', `${issuer}/`, 'app');
      store.save(record(nowSeconds() - 1));
      const c = client(issuer);
      const logouts = events(c, 'aq-logout');
      expect(c.restore()).toBeNull();
      expect(c.signedIn).toBe(false);
      expect(store.load()).toBeNull();
      expect(logouts).toEqual([{ reason: 'expired' }]);
    });
  });

  it('once disposed, a user it still brings in starts no session monitor', async () => {
    const issuer = nextIssuer();
    handler = (url) => {
      if (url === discoveryUrl(issuer)) return json({ ...discoveryDocument(issuer), check_session_iframe: `${issuer}/session/check` });
      if (url === `${issuer}/jwks`) return json({ keys: [] });
      return new Response('not found', { status: 404 });
    };
    createStore('session', `${issuer}/`, 'app').save({ ...record(nowSeconds() + 3600), sessionState: 's1' });
    const live = client(issuer);
    live.restore();
    await vi.waitFor(() => expect(document.querySelectorAll('iframe[title="session check"]')).toHaveLength(1));
    live.dispose();
    expect(document.querySelectorAll('iframe[title="session check"]')).toHaveLength(0);
    // Dropped while its discovery is still on the way, as an element's client is when its
    // attributes change during a page load.
    const dropped = client(issuer);
    dropped.restore();
    dropped.dispose();
    await new Promise((r) => setTimeout(r, 20));
    expect(document.querySelectorAll('iframe[title="session check"]')).toHaveLength(0);
  });

  describe('logoutEventsUrl', () => {
    const streamClient = (issuer: string, options: Partial<AqClientOptions> = {}) => {
      const c = createClient({ issuer, clientId: 'app', logoutEventsUrl: '/api/logout-events', ...options });
      clients.push(c);
      return c;
    };
    let push: (text: string) => void;
    const streamRequests: RequestInit[] = [];
    beforeEach(() => {
      streamRequests.length = 0;
      fetchMock.mockImplementation((input: RequestInfo | URL, init?: RequestInit) => {
        if (!String(input).endsWith('/api/logout-events')) return Promise.resolve(handler(String(input)));
        streamRequests.push(init!);
        const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = (t) => c.enqueue(new TextEncoder().encode(t))) });
        return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
      });
    });

    it('opens no stream while nobody is signed in', async () => {
      streamClient(nextIssuer()).restore();
      await new Promise((r) => setTimeout(r, 20));
      expect(streamRequests).toEqual([]);
    });

    it('a logout from the stream signs the user out with reason "remote" and forgets them', async () => {
      const issuer = nextIssuer();
      const stored = record(nowSeconds() + 3600);
      createStore('session', `${issuer}/`, 'app').save(stored);
      const c = streamClient(issuer);
      const logouts = events(c, 'aq-logout');
      c.restore();
      await vi.waitFor(() => expect(streamRequests).toHaveLength(1));
      expect(JSON.parse(streamRequests[0]!.body as string)).toEqual({ id_token: stored.idToken });
      expect(streamRequests[0]!.credentials).toBe('same-origin');
      push('event: ready\ndata: {"heartbeat":15000,"available":true}\n\nevent: logout\ndata: {"sub":"alice"}\n\n');
      await vi.waitFor(() => expect(logouts).toEqual([{ reason: 'remote' }]));
      expect(c.signedIn).toBe(false);
      expect(sessionStorage.length).toBe(0);
    });

    it('with backend-url the cookie is the proof: no ID token is sent; signing out closes the stream', async () => {
      const issuer = nextIssuer();
      createStore('session', `${issuer}/`, 'app').save(record(nowSeconds() + 3600));
      const c = streamClient(issuer, { backendUrl: '/api/code' });
      c.restore();
      await vi.waitFor(() => expect(streamRequests).toHaveLength(1));
      expect(JSON.parse(streamRequests[0]!.body as string)).toEqual({});
      await c.signOut();
      expect(streamRequests[0]!.signal!.aborted).toBe(true);
    });
  });

  it('signs out a restored user, forgetting them', async () => {
    const issuer = nextIssuer();
    createStore('session', `${issuer}/`, 'app').save(record(nowSeconds() + 3600));
    const c = client(issuer);
    c.restore();
    const logouts = events(c, 'aq-logout');
    await c.signOut();
    expect(c.signedIn).toBe(false);
    expect(sessionStorage.length).toBe(0);
    expect(logouts).toEqual([{ reason: 'user' }]);
  });

  it('rejects AQ_POPUP_BLOCKED when the browser blocks the popup, leaving no transaction behind', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    await rejection(client().signIn(), 'AQ_POPUP_BLOCKED');
    expect(open).toHaveBeenCalledOnce();
    expect(localStorage.length).toBe(0);
  });
});

/** Starts a redirect sign-in and returns the transaction it stored, without leaving the page. */
async function requestOf(c: AqClient): Promise<Record<string, unknown>> {
  const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {});
  void c.signIn();
  await vi.waitFor(() => expect(assign).toHaveBeenCalled());
  const key = Object.keys(sessionStorage).find((k) => k.startsWith('aq-signin:tx:'))!;
  return JSON.parse(sessionStorage.getItem(key)!);
}
const redirectClient = (issuer: string, options: Partial<AqClientOptions> = {}) => {
  const c = createClient({ issuer, clientId: 'app', display: 'redirect', ...options });
  clients.push(c);
  return c;
};

describe('OPs sharing a redirect URI (mix-up, RFC 9207)', () => {
  it('a response without "iss" is refused when another OP\'s client shares the redirect URI', async () => {
    const [honest, other] = [nextIssuer(), nextIssuer()];
    handler = (url) => (url.startsWith(honest) ? json(url.endsWith('/jwks') ? { keys: [] } : discoveryDocument(honest)) : new Response('', { status: 404 }));
    const c = redirectClient(honest);
    redirectClient(other);
    const tx = await requestOf(c);
    expect(tx.requireIss).toBe(true);
    history.replaceState(null, '', `/?code=c&state=${tx.state}`);
    const err = await rejection(c.handleRedirectCallback(), 'AQ_RESPONSE_INVALID');
    expect(err.message).toMatch(/"iss" is missing.*mix-up/);
  });

  it('one OP alone at its redirect URI needs no "iss" (the OP may predate RFC 9207)', async () => {
    const issuer = nextIssuer();
    serveOp(issuer);
    const c = redirectClient(issuer);
    const gone = redirectClient(nextIssuer());
    gone.dispose();
    expect((await requestOf(c)).requireIss).toBeUndefined();
  });
});

describe('max_age from auth-params or init-url (issue 13, 10)', () => {
  it('is checked whatever way it reaches the OP', async () => {
    const issuer = nextIssuer();
    serveOp(issuer);
    expect((await requestOf(redirectClient(issuer, { authParams: { max_age: '60' } }))).maxAge).toBe(60);
  });

  it('an init-url answer sets it, or is refused when it is not a number of seconds', async () => {
    const issuer = nextIssuer();
    let answer: Record<string, unknown> = { max_age: 30 };
    handler = (url) => (url.endsWith('/init') ? json(answer) : url.endsWith('/jwks') ? json({ keys: [] }) : json(discoveryDocument(issuer)));
    const c = redirectClient(issuer, { initUrl: '/init' });
    expect((await requestOf(c)).maxAge).toBe(30);
    sessionStorage.clear();
    answer = { max_age: 'soon' };
    const err = await rejection(c.signIn(), 'AQ_INIT_FAILED');
    expect(err.message).toMatch(/"max_age"/);
  });
});

describe('init-url answers', () => {
  it('join the request under auth-params\' rules: no parameter the SDK sets, a JSON object, plain values only', async () => {
    const issuer = nextIssuer();
    let answer: unknown = { token: 'pre-auth', n: 1, nested: { a: 1 } };
    handler = (url) => (url.endsWith('/init') ? json(answer) : url.endsWith('/jwks') ? json({ keys: [] }) : json(discoveryDocument(issuer)));
    const c = redirectClient(issuer, { initUrl: '/init' });
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {});
    void c.signIn();
    await vi.waitFor(() => expect(assign).toHaveBeenCalled());
    const sent = new URL(String(assign.mock.calls[0][0])).searchParams;
    expect([sent.get('token'), sent.get('n'), sent.has('nested')]).toEqual(['pre-auth', '1', false]);
    sessionStorage.clear();
    answer = { state: 'chosen-by-the-backend' };
    expect((await rejection(c.signIn(), 'AQ_INIT_FAILED')).message).toMatch(/\/init: its answer may not set "state"/);
    answer = ['token'];
    expect((await rejection(c.signIn(), 'AQ_INIT_FAILED')).message).toMatch(/its answer must be a JSON object/);
  });
});

describe('discovery', () => {
  it('fetches discovery and JWKS once per issuer', async () => {
    const issuer = nextIssuer();
    serveOp(issuer);
    await client(issuer).prefetch();
    await client(issuer).prefetch();
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toEqual([discoveryUrl(issuer), `${issuer}/jwks`]);
  });

  it('refuses a document whose issuer differs, naming the discovery URL', async () => {
    const issuer = nextIssuer();
    serveOp(issuer, 'https://impostor.example');
    const err = await rejection(client(issuer).prefetch(), 'AQ_DISCOVERY_FAILED');
    expect(err.message).toContain(discoveryUrl(issuer));
  });

  it('reports an unreachable OP, naming the URL, and tries again on the next call', async () => {
    const issuer = nextIssuer();
    const c = client(issuer);
    const err = await rejection(c.prefetch(), 'AQ_DISCOVERY_FAILED');
    expect(err.message).toContain(discoveryUrl(issuer));
    serveOp(issuer);
    await expect(c.prefetch()).resolves.toBeUndefined();
  });

  it('refuses a document without the endpoints a sign-in needs', async () => {
    const issuer = nextIssuer();
    handler = () => json({ issuer, authorization_endpoint: `${issuer}/authorize`, jwks_uri: `${issuer}/jwks` });
    const err = await rejection(client(issuer).prefetch(), 'AQ_DISCOVERY_FAILED');
    expect(err.message).toContain('"token_endpoint"');
  });

  it('refuses an endpoint in clear text: codes and tokens travel over https only', async () => {
    const issuer = nextIssuer();
    handler = (url) => (url.endsWith('/jwks') ? json({ keys: [] }) : json({ ...discoveryDocument(issuer), token_endpoint: 'http://op.example/token' }));
    const err = await rejection(client(issuer).prefetch(), 'AQ_DISCOVERY_FAILED');
    expect(err.message).toMatch(/"token_endpoint" http:\/\/op\.example\/token does not use https/);
  });

  it('reuses what this tab fetched a moment ago, but only what it would accept fresh', async () => {
    const now = Math.floor(Date.now() / 1000);
    const keep = (issuer: string, d: unknown) => sessionStorage.setItem(`aq-signin:discovery:${issuer}/`, JSON.stringify(d));
    const good = (issuer: string) => ({ as: discoveryDocument(issuer), jwks: { jwks: { keys: [] }, uat: now - 10 } });
    const fetchedFor = async (issuer: string) => {
      fetchMock.mockClear();
      serveOp(issuer);
      await client(issuer).prefetch();
      return fetchMock.mock.calls.length;
    };
    let issuer = nextIssuer();
    keep(issuer, good(issuer));
    expect(await fetchedFor(issuer)).toBe(0);
    const tampered: [string, (issuer: string) => unknown][] = [
      ['another issuer', (i) => ({ ...good(i), as: discoveryDocument('https://op.attacker.example') })],
      ['a javascript: endpoint', (i) => ({ ...good(i), as: { ...discoveryDocument(i), authorization_endpoint: 'javascript:alert(1)' } })],
      ['an http endpoint', (i) => ({ ...good(i), as: { ...discoveryDocument(i), token_endpoint: 'http://op.attacker.example/token' } })],
      ['keys fetched "in the future" (kept forever)', (i) => ({ ...good(i), jwks: { jwks: { keys: [] }, uat: now + 86_400 } })],
      ['keys fetched too long ago', (i) => ({ ...good(i), jwks: { jwks: { keys: [] }, uat: now - 3600 } })],
      ['keys that are not objects', (i) => ({ ...good(i), jwks: { jwks: { keys: ['x'] }, uat: now } })],
    ];
    for (const [why, make] of tampered) {
      issuer = nextIssuer();
      keep(issuer, make(issuer));
      expect(await fetchedFor(issuer), why).toBe(2);
    }
  });

  it('takes the issuer with or without the slash URL parsing adds, and nothing else', async () => {
    const issuer = nextIssuer();
    handler = (url) => (url.endsWith('/jwks') ? json({ keys: [] }) : json({ ...discoveryDocument(issuer), issuer: `${issuer}/` }));
    await expect(client(issuer).prefetch()).resolves.toBeUndefined();
    const other = nextIssuer();
    serveOp(other, `${other}/tenant`);
    await rejection(client(other).prefetch(), 'AQ_DISCOVERY_FAILED');
  });
});
