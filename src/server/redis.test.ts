// @vitest-environment node
// The Redis replay store and logout bus against a real redis-server (started here on a free port,
// no persistence), including Redis going away and coming back. Without redis-server the suite
// fails with one line naming the package: never a silent skip.
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisServer } from '../../scripts/redis-server.mjs';
import { startRedis } from '../../scripts/redis-server.mjs';
import type { SessionEnded } from './logout-bus.js';
import { redisLogoutBus } from './redis-bus.js';
import { redisReplayStore } from './redis-store.js';

let redis: RedisServer;
const clients: { destroy(): void }[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await redis?.close();
});

/** A node-redis client that retries fast (the tests stop and start Redis). */
function client() {
  const c = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50, connectTimeout: 1000 } });
  c.on('error', () => {}); // reported by isReady and the bus; node-redis would throw without a listener
  clients.push(c);
  return c;
}

const until = (predicate: () => boolean, ms = 5000) =>
  new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => (predicate() ? resolve() : Date.now() > deadline ? reject(new Error('condition not met in time')) : setTimeout(tick, 10));
    tick();
  });

describe('redisReplayStore', () => {
  it('claims once across instances; the key expires at `until`', async () => {
    const a = client();
    const b = client();
    await Promise.all([a.connect(), b.connect()]);
    const storeA = redisReplayStore(a, { prefix: 't1:' });
    const storeB = redisReplayStore(b, { prefix: 't1:' });
    const at = Date.now() + 300;
    const results = await Promise.all([storeA.claim('iss jti-1', at), storeB.claim('iss jti-1', at)]);
    expect(results.sort()).toEqual([false, true]);
    expect(await a.pTTL('t1:iss jti-1')).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 350));
    expect(await storeB.claim('iss jti-1', Date.now() + 1000)).toBe(true);
  });

  it('rejects (never "first use") while Redis is down, and works again once it is back', async () => {
    const c = client();
    await c.connect();
    const store = redisReplayStore(c, { prefix: 't2:', timeout: 500 });
    expect(await store.claim('k', Date.now() + 10_000)).toBe(true);
    await redis.stop();
    await until(() => !c.isReady);
    await expect(store.claim('k', Date.now() + 10_000)).rejects.toThrow(/not connected/);
    await redis.start();
    await until(() => c.isReady);
    // No persistence: the key went with the old process, as a Redis without --save loses it.
    expect(await store.claim('k2', Date.now() + 10_000)).toBe(true);
    expect(await store.claim('k2', Date.now() + 10_000)).toBe(false);
  });
});

describe('redisLogoutBus', () => {
  function bus(channel: string) {
    const publisher = client();
    const subscriber = publisher.duplicate();
    subscriber.on('error', () => {});
    clients.push(subscriber);
    void publisher.connect();
    void subscriber.connect();
    return redisLogoutBus({ publisher, subscriber, channel, timeout: 500 });
  }

  it('an event published on one instance reaches the subscribers of every instance', async () => {
    const a = bus('t3');
    const b = bus('t3');
    const heardA: SessionEnded[] = [];
    const heardB: SessionEnded[] = [];
    a.subscribe((e) => heardA.push(e));
    b.subscribe((e) => heardB.push(e));
    await until(() => a.available && b.available);
    await a.publish({ iss: 'https://op.example', sid: 's1' });
    await until(() => heardA.length === 1 && heardB.length === 1);
    expect(heardB).toEqual([{ iss: 'https://op.example', sid: 's1' }]);
  });

  it('ignores what others publish on the channel that is not a logout', async () => {
    const a = bus('t4');
    const heard: SessionEnded[] = [];
    a.subscribe((e) => heard.push(e));
    await until(() => a.available);
    const raw = client();
    await raw.connect();
    await raw.publish('t4', 'not json');
    await raw.publish('t4', JSON.stringify({ iss: 'x' }));
    await a.publish({ iss: 'https://op.example', sub: 'alice' });
    await until(() => heard.length === 1);
    expect(heard).toEqual([{ iss: 'https://op.example', sub: 'alice' }]);
  });

  it('Redis down at start: unavailable, publish rejects; when it comes: available, delivering', async () => {
    await redis.stop();
    const a = bus('t5');
    const states: boolean[] = [];
    const heard: SessionEnded[] = [];
    a.subscribe((e) => heard.push(e), (available) => states.push(available));
    await new Promise((r) => setTimeout(r, 200));
    expect(a.available).toBe(false);
    await expect(a.publish({ iss: 'i', sub: 's' })).rejects.toThrow(/not connected/);
    await redis.start();
    await until(() => a.available);
    expect(states).toEqual([true]);
    await a.publish({ iss: 'i', sub: 's' });
    await until(() => heard.length === 1);
  });

  it('Redis lost mid-way: unavailable, then re-subscribed and delivering again', async () => {
    const a = bus('t6');
    const b = bus('t6');
    const states: boolean[] = [];
    const heard: SessionEnded[] = [];
    a.subscribe((e) => heard.push(e), (available) => states.push(available));
    await until(() => a.available && b.available);
    states.length = 0;
    await redis.stop();
    await until(() => !a.available);
    expect(states).toEqual([false]);
    await redis.start();
    await until(() => a.available && b.available);
    expect(states).toEqual([false, true]);
    await b.publish({ iss: 'i', sid: 'after' });
    await until(() => heard.length === 1);
    expect(heard).toEqual([{ iss: 'i', sid: 'after' }]);
  });
});
