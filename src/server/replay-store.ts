/**
 * Where single-use identifiers are remembered: the `jti`s of back-channel logout tokens (OpenID
 * Back-Channel Logout 1.0 §2.6 step 10) and of DPoP proofs (RFC 9449 §11.1). One store shared by
 * every instance of a backend makes a replay to another instance fail too.
 */
export interface ReplayStore {
  /**
   * Remembers `key` until `until` (epoch ms) and resolves true; resolves false when `key` is
   * already remembered and not yet past its `until`. Rejects when the store cannot tell (full,
   * unreachable): the caller refuses the token rather than risk a replay.
   */
  claim(key: string, until: number): Promise<boolean>;
}

/**
 * The in-process store: enough for one instance. Full of live entries it refuses new ones
 * (rejects) instead of forgetting a live one, which would let that token be replayed: at the
 * default limit that takes over 300 new tokens a second for five minutes, a flood or a backend
 * that needs a shared store.
 */
export function memoryReplayStore(limit = 100_000): ReplayStore {
  const seen = new Map<string, number>();
  return {
    async claim(key, until) {
      const now = Date.now();
      const t = seen.get(key);
      if (t !== undefined && t > now) return false;
      if (t === undefined && seen.size >= limit) {
        for (const [k, u] of seen) if (u <= now) seen.delete(k);
        if (seen.size >= limit) throw new Error(`replay store full: ${limit} identifiers still live`);
      }
      seen.set(key, until);
      return true;
    },
  };
}
