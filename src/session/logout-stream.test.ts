// The page side of the logout stream with fetch stubbed at the edge: what it sends (never the
// token in the URL), which events sign out (only this user's logout), one error per outage,
// reconnection, and stopping.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AqError } from '../errors.js';
import { openLogoutStream } from './logout-stream.js';

interface Call {
  url: string;
  init: RequestInit;
  push: (text: string) => void;
  end: () => void;
}

let calls: Call[];
let answer: (call: Call) => Response;
const encoder = new TextEncoder();

beforeEach(() => {
  calls = [];
  answer = (call) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        call.push = (text) => controller.enqueue(encoder.encode(text));
        call.end = () => controller.close();
        // As fetch does: aborting the request errors its body.
        call.init.signal?.addEventListener('abort', () => controller.error(call.init.signal!.reason));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    const call = { url, init } as Call;
    calls.push(call);
    return answer(call);
  }));
  // No wait between reconnections: the back-off's jitter draws 0.
  vi.spyOn(Math, 'random').mockReturnValue(0);
});
const stops: (() => void)[] = [];
afterEach(() => {
  // A stream left open would go on reconnecting into the next test's fetch.
  for (const stop of stops.splice(0)) stop();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

function open(token?: string | (() => string)) {
  const onLogout = vi.fn();
  const errors: AqError[] = [];
  const idToken = typeof token === 'string' ? () => token : token;
  const stop = openLogoutStream({ url: 'https://rp.example/api/logout-events', idToken, credentials: 'same-origin', sub: 'alice', onLogout, onUnavailable: (e) => errors.push(e) });
  stops.push(stop);
  return { onLogout, errors, stop };
}

describe('openLogoutStream', () => {
  it('POSTs the ID token in the body, never in the URL, and signs out on this user\'s logout', async () => {
    const { onLogout, errors } = open('header.payload.sig');
    await tick();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://rp.example/api/logout-events');
    expect(calls[0]!.init.method).toBe('POST');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ id_token: 'header.payload.sig' });
    calls[0]!.push('event: ready\ndata: {"heartbeat":15000,"available":true}\n\n:\n\n');
    await tick();
    expect(onLogout).not.toHaveBeenCalled();
    // Split across chunks, as a network may deliver it.
    calls[0]!.push('event: logout\nda');
    calls[0]!.push('ta: {"sub":"alice","sid":"s1"}\n\n');
    await tick();
    expect(onLogout).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([]);
  });

  it('with the cookie as proof, sends no token', async () => {
    open();
    await tick();
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({});
  });

  it('a logout for another user does not sign this one out', async () => {
    const { onLogout } = open('t');
    await tick();
    calls[0]!.push('event: ready\ndata: {"heartbeat":15000,"available":true}\n\nevent: logout\ndata: {"sub":"mallory"}\n\n');
    await tick();
    expect(onLogout).not.toHaveBeenCalled();
  });

  it('the bus down is one AQ_LOGOUT_STREAM_UNAVAILABLE per outage, and never a sign-out', async () => {
    const { onLogout, errors } = open('t');
    await tick();
    calls[0]!.push('event: ready\ndata: {"heartbeat":15000,"available":false}\n\nevent: unavailable\ndata: {}\n\n');
    await tick();
    expect(errors.map((e) => e.code)).toEqual(['AQ_LOGOUT_STREAM_UNAVAILABLE']);
    expect(errors[0]!.message).toMatch(/cannot hear logouts/);
    calls[0]!.push('event: available\ndata: {}\n\nevent: unavailable\ndata: {}\n\n');
    await tick();
    expect(errors).toHaveLength(2);
    expect(onLogout).not.toHaveBeenCalled();
  });

  it('a stream the server ends is opened again; an unreachable server is reported once and retried', async () => {
    const { errors } = open('t');
    await tick();
    calls[0]!.push('event: ready\ndata: {"heartbeat":15000,"available":true}\n\n');
    calls[0]!.end();
    await tick();
    expect(calls).toHaveLength(2);
    expect(errors).toEqual([]);
    answer = () => {
      throw new TypeError('Failed to fetch');
    };
    calls[1]!.end();
    await tick(50);
    expect(calls.length).toBeGreaterThan(3);
    expect(errors.map((e) => e.code)).toEqual(['AQ_LOGOUT_STREAM_UNAVAILABLE']);
  });

  it('reconnects with the ID token of now: a renewal\'s, not the expired one it opened with', async () => {
    let token = 'first.id.token';
    open(() => token);
    await tick();
    token = 'renewed.id.token';
    calls[0]!.end();
    await tick();
    expect(calls.map((c) => JSON.parse(c.init.body as string).id_token)).toEqual(['first.id.token', 'renewed.id.token']);
  });

  it('401: reported, not retried, not a sign-out', async () => {
    answer = () => new Response('{"error":"invalid_token"}', { status: 401 });
    const { onLogout, errors } = open('expired');
    await tick(50);
    expect(calls).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/HTTP 401/);
    expect(onLogout).not.toHaveBeenCalled();
  });

  it('stop() closes the stream and opens no other', async () => {
    const { stop } = open('t');
    await tick();
    const signal = calls[0]!.init.signal!;
    stop();
    expect(signal.aborted).toBe(true);
    await tick(50);
    expect(calls).toHaveLength(1);
  });

  it('a stream silent for two heartbeats is dropped and opened again', async () => {
    const { errors } = open('t');
    await tick();
    calls[0]!.push('event: ready\ndata: {"heartbeat":20,"available":true}\n\n');
    await tick(150);
    expect(calls.length).toBeGreaterThan(1);
    expect(errors[0]!.message).toMatch(/went silent/);
  });
});
