import type { RedisCommands } from './redis-client.js';
import { command } from './redis-client.js';
import type { ReplayStore } from './replay-store.js';

export interface RedisReplayStoreOptions {
  /** Prepended to every key. Default `aq-signin:jti:`. */
  prefix?: string;
  /** A claim Redis has not answered within this many ms rejects (the caller refuses the token). Default 2000. */
  timeout?: number;
}

/**
 * A `ReplayStore` in Redis, shared by every instance that uses the same Redis: one
 * `SET key 1 NX PXAT until` per claim, atomic, so of two instances that see the same identifier
 * at the same moment exactly one wins; Redis forgets the key when it can no longer pass anyway.
 * A Redis that is down or slow rejects (never "first use"): the handlers then refuse (503).
 */
export function redisReplayStore(client: RedisCommands, options: RedisReplayStoreOptions = {}): ReplayStore {
  const prefix = options.prefix ?? 'aq-signin:jti:';
  const ms = options.timeout ?? 2000;
  return {
    async claim(key, until) {
      const answer = await command(client, ms, () => client.set(prefix + key, '1', { condition: 'NX', expiration: { type: 'PXAT', value: Math.ceil(until) } }));
      // SET NX answers OK when it set the key, null when the key was there.
      return answer === 'OK';
    },
  };
}
