// @vitest-environment node
// The logout stream handler: who may open one (401s), the bound per session, fan-out of a
// back-channel logout to exactly the streams of that session, heartbeats, and the bus's
// availability reaching the page.
import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT, createBackchannelLogoutHandler } from './backchannel-logout.js';
import type { LogoutBus, SessionEnded } from './logout-bus.js';
import { memoryLogoutBus } from './logout-bus.js';
import type { LogoutStreamOptions, StreamSession } from './logout-stream.js';
import { createLogoutStreamHandler } from './logout-stream.js';
import { readSse } from './test-support/sse.js';
import type { StubOp } from './test-support/stub-op.js';
import { startStubOp } from './test-support/stub-op.js';

let op: StubOp;
beforeAll(async () => {
  op = await startStubOp({ clientId: 'rp', clientSecret: 's3cret', auth: 'client_secret_basic' });
});
afterAll(() => op.close());

const now = () => Math.floor(Date.now() / 1000);
function idClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const base: Record<string, unknown> = { iss: op.issuer, aud: 'rp', sub: 'alice', sid: 'sid-1', iat: now(), exp: now() + 300, nonce: 'n' };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base as JWTPayload;
}

const URL_ = 'http://localhost:5173/api/logout-events';
function connect(handler: (r: Request) => Promise<Response>, body: unknown = {}, headers: Record<string, string> = {}): Promise<Response> {
  return handler(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

function make(overrides: Partial<LogoutStreamOptions> = {}) {
  const bus = overrides.bus ?? memoryLogoutBus();
  return { bus, handler: createLogoutStreamHandler({ issuer: op.issuer, clientId: 'rp', bus, ...overrides }) };
}

async function expect401(res: Response, reason: RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = await res.json();
  expect(body.error).toBe('invalid_token');
  expect(body.error_description).toMatch(reason);
}

describe('createLogoutStreamHandler: who may listen', () => {
  it('a valid ID token opens a stream: ready first, as text/event-stream, never cached', async () => {
    const { handler } = make();
    const res = await connect(handler, { id_token: await op.sign(idClaims()) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const sse = readSse(res);
    expect(await sse.next()).toEqual({ event: 'ready', data: { heartbeat: 15000, available: true } });
    await sse.cancel();
  });

  it('no session and no ID token: 401', async () => {
    await expect401(await connect(make().handler, {}), /no session/);
  });

  it('a forged ID token (another key): 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(idClaims()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    await expect401(await connect(make().handler, { id_token: forged }), /ID token rejected/);
  });

  it('an expired ID token: 401', async () => {
    await expect401(await connect(make().handler, { id_token: await op.sign(idClaims({ iat: now() - 3600, exp: now() - 600 })) }), /exp/);
  });

  it('an ID token for another client: 401', async () => {
    await expect401(await connect(make().handler, { id_token: await op.sign(idClaims({ aud: 'other' })) }), /aud/);
  });

  it('a logout token of the same OP and audience is no proof of a sign-in: 401', async () => {
    const lt = await op.sign(idClaims({ nonce: undefined, jti: 'j', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } }), { typ: 'logout+jwt' });
    await expect401(await connect(make().handler, { id_token: lt }), /logout or access token/);
  });

  it('with acceptIdToken false, only the app\'s session opens a stream', async () => {
    const { handler } = make({ acceptIdToken: false, identify: () => null });
    await expect401(await connect(handler, { id_token: await op.sign(idClaims()) }), /session cookie/);
  });

  it('identify() finds the session from the cookie', async () => {
    const { handler } = make({ identify: (r) => (r.headers.get('cookie') === 's=1' ? { iss: op.issuer, sub: 'bob', sid: 'sid-b' } : null) });
    expect((await connect(handler, {}, { cookie: 's=1' })).status).toBe(200);
    await expect401(await connect(handler, {}, { cookie: 's=2' }), /no session/);
  });

  it('GET and a non-JSON body are refused before anything else', async () => {
    const { handler } = make();
    expect((await handler(new Request(URL_))).status).toBe(405);
    const form = await handler(new Request(URL_, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }));
    expect(form.status).toBe(400);
  });
});

describe('createLogoutStreamHandler: fan-out', () => {
  const session = (sub: string, sid?: string): StreamSession => ({ iss: op.issuer, sub, ...(sid ? { sid } : {}) });
  const byCookie = (sessions: Record<string, StreamSession>) => (r: Request) => sessions[r.headers.get('cookie') ?? ''] ?? null;

  it('a back-channel logout reaches every stream of that session, and no other', async () => {
    const bus = memoryLogoutBus();
    const { handler } = make({ bus, identify: byCookie({ a1: session('alice', 's1'), a2: session('alice', 's2'), b: session('bob', 's3') }) });
    const tab1 = readSse(await connect(handler, {}, { cookie: 'a1' }));
    const tab2 = readSse(await connect(handler, {}, { cookie: 'a1' }));
    const other = readSse(await connect(handler, {}, { cookie: 'a2' }));
    const bob = readSse(await connect(handler, {}, { cookie: 'b' }));
    for (const s of [tab1, tab2, other, bob]) expect((await s.next()).event).toBe('ready');

    const backchannel = createBackchannelLogoutHandler({ issuer: op.issuer, clientId: 'rp', onLogout: () => {}, logoutBus: bus });
    const lt = await op.sign({ iss: op.issuer, aud: 'rp', iat: now(), exp: now() + 60, jti: randomBytes(8).toString('hex'), sid: 's1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } });
    const res = await backchannel(new Request('http://localhost:5173/bcl', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: lt }) }));
    expect(res.status).toBe(200);

    for (const tab of [tab1, tab2]) {
      expect(await tab.next()).toEqual({ event: 'logout', data: { sub: 'alice', sid: 's1' } });
      expect(await tab.ended()).toBe(true);
    }
    // Same user, another OP session; another user: nothing.
    await expect(other.next(300)).rejects.toThrow(/no event/);
    await expect(bob.next(300)).rejects.toThrow(/no event/);
    await Promise.all([other.cancel(), bob.cancel()]);
  });

  it('a logout by sub reaches every session of that user; another OP\'s logout reaches none', async () => {
    const bus = memoryLogoutBus();
    const { handler } = make({ bus, identify: byCookie({ a1: session('alice', 's1'), a2: session('alice'), b: session('bob', 's3') }) });
    const streams = await Promise.all(['a1', 'a2', 'b'].map(async (c) => readSse(await connect(handler, {}, { cookie: c }))));
    for (const s of streams) await s.next();
    await bus.publish({ iss: 'https://other.example', sub: 'alice' });
    await expect(streams[0]!.next(200)).rejects.toThrow(/no event/);
    await bus.publish({ iss: op.issuer, sub: 'alice' });
    expect((await streams[0]!.next()).event).toBe('logout');
    expect((await streams[1]!.next()).data).toEqual({ sub: 'alice' });
    await expect(streams[2]!.next(200)).rejects.toThrow(/no event/);
    await streams[2]!.cancel();
  });

  it('a publish that fails answers the OP 503', async () => {
    const broken: LogoutBus = { available: false, subscribe: () => () => {}, publish: () => Promise.reject(new Error('Redis is not connected')) };
    const backchannel = createBackchannelLogoutHandler({ issuer: op.issuer, clientId: 'rp', onLogout: () => {}, logoutBus: broken });
    const lt = await op.sign({ iss: op.issuer, aud: 'rp', iat: now(), jti: randomBytes(8).toString('hex'), sub: 'alice', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } });
    const res = await backchannel(new Request('http://localhost:5173/bcl', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: lt }) }));
    expect(res.status).toBe(503);
    const { error_description } = await res.json();
    expect(error_description).toMatch(/could not be pushed/);
    // The bus's own failure (a host, a Redis message) is the backend's to log, not the OP's to read.
    expect(error_description).not.toMatch(/Redis/);
  });
});

describe('createLogoutStreamHandler: bounds, heartbeats, availability', () => {
  it('a flood from one session is bounded (429), and a closed stream frees its place', async () => {
    const { handler } = make({ maxStreamsPerSession: 3, identify: () => ({ iss: op.issuer, sub: 'alice', sid: 's1' }) });
    const open = await Promise.all([1, 2, 3].map(async () => readSse(await connect(handler))));
    const refused = await connect(handler);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error_description).toMatch(/too many logout streams/);
    await open[0]!.cancel();
    const again = await connect(handler);
    expect(again.status).toBe(200);
    await Promise.all([again.body!.cancel(), open[1]!.cancel(), open[2]!.cancel()]);
  });

  it('the instance bound answers 503', async () => {
    let n = 0;
    const { handler } = make({ maxStreams: 2, identify: () => ({ iss: op.issuer, sub: `u${(n += 1)}` }) });
    const a = await connect(handler);
    const b = await connect(handler);
    expect((await connect(handler)).status).toBe(503);
    await Promise.all([a.body!.cancel(), b.body!.cancel()]);
  });

  it('heartbeats come every `heartbeat` ms', async () => {
    const { handler } = make({ heartbeat: 50, identify: () => ({ iss: op.issuer, sub: 'alice' }) });
    const sse = readSse(await connect(handler));
    expect((await sse.next()).data).toMatchObject({ heartbeat: 50 });
    await expect(sse.next(280)).rejects.toThrow(/no event/);
    expect(sse.comments).toBeGreaterThanOrEqual(3);
    await sse.cancel();
  });

  it('the bus going down and coming back is told to every stream; the stream stays open', async () => {
    let setAvailable: (available: boolean) => void = () => {};
    const listeners: ((e: SessionEnded) => void)[] = [];
    const bus: LogoutBus = {
      available: false,
      publish: async (e) => listeners.forEach((l) => l(e)),
      subscribe: (l, onAvailability) => {
        listeners.push(l);
        setAvailable = (v) => {
          (bus as { available: boolean }).available = v;
          onAvailability?.(v);
        };
        return () => {};
      },
    };
    const { handler } = make({ bus, identify: () => ({ iss: op.issuer, sub: 'alice' }) });
    const sse = readSse(await connect(handler));
    expect((await sse.next()).data).toMatchObject({ available: false });
    setAvailable(true);
    expect((await sse.next()).event).toBe('available');
    setAvailable(false);
    expect((await sse.next()).event).toBe('unavailable');
    setAvailable(true);
    expect((await sse.next()).event).toBe('available');
    await bus.publish({ iss: op.issuer, sub: 'alice' });
    expect((await sse.next()).event).toBe('logout');
  });

  it('bad options throw at once', () => {
    expect(() => createLogoutStreamHandler({ issuer: op.issuer, clientId: 'rp', bus: undefined as unknown as LogoutBus })).toThrow(/"bus"/);
    expect(() => make({ maxStreamsPerSession: 0 })).toThrow(/maxStreamsPerSession/);
  });
});

describe('createLogoutStreamHandler on node:http (toNodeHandler)', () => {
  it('events arrive as they happen, and a client that goes away frees its place', async () => {
    const http = await import('node:http');
    const { toNodeHandler } = await import('./node.js');
    const bus = memoryLogoutBus();
    const { handler } = make({ bus, maxStreamsPerSession: 1, identify: () => ({ iss: op.issuer, sub: 'alice' }) });
    const server = http.createServer(toNodeHandler(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://localhost:${(server.address() as { port: number }).port}/`;
    const open = (signal?: AbortSignal) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal });
    try {
      const gone = new AbortController();
      const first = readSse(await open(gone.signal));
      expect((await first.next()).event).toBe('ready');
      expect((await open()).status).toBe(429);
      gone.abort();
      // The server learns of the closed connection, cancels the stream, and the place is free.
      let again: Response | undefined;
      for (let i = 0; i < 50 && again?.status !== 200; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
        again = await open();
        if (again.status !== 200) await again.body?.cancel();
      }
      expect(again!.status).toBe(200);
      const sse = readSse(again!);
      expect((await sse.next()).event).toBe('ready');
      await bus.publish({ iss: op.issuer, sub: 'alice' });
      expect((await sse.next()).event).toBe('logout');
      expect(await sse.ended()).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
