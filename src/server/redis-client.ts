/**
 * The little of a node-redis 6 client (`createClient()` of the `redis` package) the Redis store
 * and bus use, so that aq-signin/server neither imports nor requires `redis`: the app creates and
 * connects its clients, and owns them. node-redis was chosen over ioredis because it is the client
 * Redis itself maintains, and it reconnects and re-subscribes by itself after a lost connection.
 */
export interface RedisCommands {
  /** False while (re)connecting: a command sent then would wait in node-redis's offline queue. */
  readonly isReady: boolean;
  set(key: string, value: string, options: { condition: 'NX'; expiration: { type: 'PXAT'; value: number } }): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
}

/** A client in subscriber mode: node-redis wants one of its own (`client.duplicate()`). */
export interface RedisSubscriber {
  readonly isReady: boolean;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: 'ready' | 'end' | 'error' | 'reconnecting', listener: (...args: unknown[]) => void): unknown;
}

/**
 * Runs a command only on a ready client, and gives up after `ms`: node-redis queues commands
 * while it reconnects, and a caller waiting on a lost Redis (the OP's back-channel request) must
 * get an answer, not hang.
 */
export function command<T>(client: { readonly isReady: boolean }, ms: number, run: () => Promise<T>): Promise<T> {
  if (!client.isReady) return Promise.reject(new Error('Redis is not connected'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([run(), timeout]).finally(() => clearTimeout(timer));
}
