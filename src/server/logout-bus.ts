/**
 * "This session ended": what a back-channel logout (or the app) publishes and every open logout
 * stream of that session hears. `iss` with `sid` names one OP session, `iss` with `sub` every
 * session of that user (OpenID Back-Channel Logout 1.0 §2.4), both: that session of that user.
 */
export interface SessionEnded {
  iss: string;
  sub?: string;
  sid?: string;
}

/**
 * Where publishers and logout streams meet. One bus per process is enough for one instance
 * (`memoryLogoutBus()`); instances that share their users share a bus (`redisLogoutBus()`), so a
 * back-channel logout that reaches one instance reaches the streams held by every other.
 */
export interface LogoutBus {
  /** Tells every subscriber, on every instance. Rejects when the event could not be sent. */
  publish(event: SessionEnded): Promise<void>;
  /**
   * Hears every event, and `onAvailability(false)` when the bus stops delivering (a lost
   * connection: events published meanwhile may never arrive), `onAvailability(true)` when it
   * delivers again. Returns the way to stop listening.
   */
  subscribe(listener: (event: SessionEnded) => void, onAvailability?: (available: boolean) => void): () => void;
  /** Whether events published now reach this subscriber. */
  readonly available: boolean;
}

/** A bus inside this process: always available, delivered synchronously. */
export function memoryLogoutBus(): LogoutBus {
  const listeners = new Set<(event: SessionEnded) => void>();
  return {
    available: true,
    async publish(event) {
      for (const listener of [...listeners]) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The event as it crosses a process boundary: only these three fields, only strings. */
export function parseSessionEnded(value: unknown): SessionEnded | null {
  if (typeof value !== 'object' || value === null) return null;
  const { iss, sub, sid } = value as Record<string, unknown>;
  if (typeof iss !== 'string' || !iss) return null;
  if (sub !== undefined && (typeof sub !== 'string' || !sub)) return null;
  if (sid !== undefined && (typeof sid !== 'string' || !sid)) return null;
  if (sub === undefined && sid === undefined) return null;
  return { iss, ...(sub !== undefined ? { sub } : {}), ...(sid !== undefined ? { sid } : {}) };
}
