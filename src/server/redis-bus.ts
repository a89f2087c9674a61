import type { LogoutBus, SessionEnded } from './logout-bus.js';
import { parseSessionEnded } from './logout-bus.js';
import type { RedisCommands, RedisSubscriber } from './redis-client.js';
import { command } from './redis-client.js';

export interface RedisLogoutBusOptions {
  /** A connected (or connecting) client for PUBLISH. */
  publisher: RedisCommands;
  /** A client of its own for SUBSCRIBE (`publisher.duplicate()`), connected or connecting. */
  subscriber: RedisSubscriber;
  /** The pub/sub channel. Default `aq-signin:logout`. */
  channel?: string;
  /** A publish Redis has not answered within this many ms rejects. Default 2000. */
  timeout?: number;
}

/**
 * A `LogoutBus` over Redis pub/sub: every instance subscribes once to one channel and fans out to
 * its own streams. Pub/sub delivers to whoever listens at that moment and keeps nothing: while the
 * subscriber's connection is lost, events are missed, so the bus reports itself unavailable from
 * the moment the connection drops until node-redis has reconnected and re-subscribed, and the
 * streams tell their pages so (never a silent gap that looks like "no logout").
 */
export function redisLogoutBus(options: RedisLogoutBusOptions): LogoutBus {
  const { publisher, subscriber } = options;
  const channel = options.channel ?? 'aq-signin:logout';
  const ms = options.timeout ?? 2000;
  const listeners = new Set<(event: SessionEnded) => void>();
  const watchers = new Set<(available: boolean) => void>();
  let subscribed = false;
  let available = false;

  const setAvailable = (value: boolean) => {
    if (available === value) return;
    available = value;
    for (const watcher of [...watchers]) watcher(value);
  };
  const deliver = (message: string) => {
    let event: SessionEnded | null = null;
    try {
      event = parseSessionEnded(JSON.parse(message));
    } catch {
      // Not ours: someone else publishes on this channel.
    }
    if (event) for (const listener of [...listeners]) listener(event);
  };
  // node-redis re-subscribes on its own after a reconnect, before it reports "ready" again.
  subscriber.on('ready', () => {
    if (subscribed) setAvailable(true);
  });
  for (const lost of ['end', 'error', 'reconnecting'] as const) subscriber.on(lost, () => setAvailable(subscriber.isReady && subscribed));
  const subscribing = subscriber.subscribe(channel, deliver).then(() => {
    subscribed = true;
    setAvailable(subscriber.isReady);
  });
  // A failed first SUBSCRIBE (Redis down at start) is retried by node-redis with the connection.
  subscribing.catch(() => undefined);

  return {
    get available() {
      return available;
    },
    async publish(event) {
      await command(publisher, ms, () => publisher.publish(channel, JSON.stringify({ iss: event.iss, sub: event.sub, sid: event.sid })));
    },
    subscribe(listener, onAvailability) {
      listeners.add(listener);
      if (onAvailability) watchers.add(onAvailability);
      return () => {
        listeners.delete(listener);
        if (onAvailability) watchers.delete(onAvailability);
      };
    },
  };
}
