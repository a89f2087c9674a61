import { describe, expect, it } from 'vitest';
import { memoryReplayStore } from './replay-store.js';

describe('memoryReplayStore', () => {
  it('says yes once per key while it is live, and again once it has expired', async () => {
    const store = memoryReplayStore();
    const now = Date.now();
    expect(await store.claim('a', now + 60_000)).toBe(true);
    expect(await store.claim('a', now + 60_000)).toBe(false);
    expect(await store.claim('b', now - 1)).toBe(true);
    expect(await store.claim('b', now + 60_000)).toBe(true);
  });

  it('full of live entries, refuses a new key instead of forgetting a live one', async () => {
    const store = memoryReplayStore(2);
    const later = Date.now() + 60_000;
    await store.claim('a', later);
    await store.claim('b', later);
    await expect(store.claim('c', later)).rejects.toThrow(/replay store full/);
    expect(await store.claim('a', later)).toBe(false);
  });

  it('full, makes room from expired entries', async () => {
    const store = memoryReplayStore(2);
    await store.claim('a', Date.now() - 1);
    await store.claim('b', Date.now() + 60_000);
    expect(await store.claim('c', Date.now() + 60_000)).toBe(true);
  });
});
