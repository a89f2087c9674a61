import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AqError } from '../errors.js';
import { resolveConfig } from '../core/config.js';
import type { SignedInRecord } from '../core/store.js';
import type { Locks } from './refresh-lock.js';
import type { RenewalHost } from './renewer.js';
import { Renewer } from './renewer.js';

// The OP, as the renewer sees it: refreshRecord answers from a list of outcomes.
const refreshRecord = vi.fn<(d: unknown, config: unknown, record: SignedInRecord) => Promise<SignedInRecord>>();
vi.mock('./refresh.js', async (actual) => ({ ...(await actual<typeof import('./refresh.js')>()), refreshRecord: (...a: [unknown, unknown, SignedInRecord]) => refreshRecord(...a) }));
vi.mock('../core/discovery.js', () => ({ discover: async () => ({}) }));

const config = resolveConfig({ issuer: 'https://op.example', clientId: 'app', storage: 'local' });
const now = () => Math.floor(Date.now() / 1000);
let n = 0;
const issued = (sub = 'alice', refreshToken = `r${n}`): SignedInRecord =>
  ({ profile: { sub }, idToken: 'id', accessToken: `a${++n}`, accessExpiresAt: now() + 10, expiresAt: now() + 3600, refreshToken });

/** One exclusive lock at a time, in request order: what navigator.locks does across tabs. */
function fakeLocks(): Locks & { held: number } {
  let tail: Promise<unknown> = Promise.resolve();
  const locks = {
    held: 0,
    request<T>(_name: string, fn: () => Promise<T>): Promise<T> {
      const run = tail.then(async () => {
        locks.held++;
        try {
          return await fn();
        } finally {
          locks.held--;
        }
      });
      tail = run.catch(() => {});
      return run;
    },
  };
  return locks;
}
const noLocks: Locks = { request: (_name, fn) => fn() };

/** Lets a renewal finish: it holds its lock 50 ms after storing (renewer.ts). */
async function settle<T>(p: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(200);
  return p;
}

/** A tab: its own record in memory, the storage shared with the other tabs. */
function tab(storage: { record: SignedInRecord | null }, start: SignedInRecord) {
  let record: SignedInRecord | null = start;
  const on = { renewed: vi.fn(), refused: vi.fn(), failed: vi.fn() };
  const host: RenewalHost = {
    config,
    current: () => record,
    stored: () => storage.record,
    renewed: (r) => {
      on.renewed(r);
      record = storage.record = r;
    },
    refused: (e) => {
      on.refused(e);
      record = storage.record = null;
    },
    failed: (e) => on.failed(e),
    silent: () => Promise.reject(new Error('not used')),
  };
  return { host, on, record: () => record };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(1_800_000_000_000);
  refreshRecord.mockReset();
});
afterEach(() => vi.useRealTimers());

describe('Renewer across tabs', () => {
  it('with the lock, one refresh for two tabs due at once; the second takes the first one\'s result', async () => {
    const first = issued();
    const storage = { record: first };
    const a = tab(storage, first);
    const b = tab(storage, first);
    const locks = fakeLocks();
    refreshRecord.mockImplementation(async (_d, _c, r) => ({ ...issued(), refreshToken: `${r.refreshToken}+` }));
    const [ra, rb] = await settle(Promise.all([new Renewer(a.host, locks).renew(), new Renewer(b.host, locks).renew()]));
    expect(refreshRecord).toHaveBeenCalledTimes(1);
    expect(ra).toBe(rb);
    expect(a.record()).toBe(b.record());
    expect(b.on.renewed).toHaveBeenCalledWith(ra);
  });

  it('without a lock, the tab whose refresh token was rotated meanwhile takes the stored record instead of signing out', async () => {
    const first = issued();
    const storage = { record: first as SignedInRecord | null };
    const a = tab(storage, first);
    const b = tab(storage, first);
    // Tab a renews first; then b uses the same, now used-up, refresh token.
    refreshRecord.mockResolvedValueOnce({ ...issued(), refreshToken: 'rotated' });
    await settle(new Renewer(a.host, noLocks).renew());
    refreshRecord.mockRejectedValueOnce(new AqError('AQ_TOKEN_REQUEST_FAILED', 'invalid_grant', { error: 'invalid_grant' }));
    // b still holds the first record and has not heard of a's renewal (its storage event is late).
    const renewed = await settle(new Renewer({ ...b.host, stored: () => (refreshRecord.mock.calls.length < 2 ? first : storage.record) }, noLocks).renew());
    expect(renewed.refreshToken).toBe('rotated');
    expect(b.on.refused).not.toHaveBeenCalled();
    expect(b.record()).toBe(storage.record);
  });
});

describe('Renewer outcomes', () => {
  it('invalid_grant with nothing newer in storage: refused (sign-out)', async () => {
    const first = issued();
    const a = tab({ record: first }, first);
    refreshRecord.mockRejectedValueOnce(new AqError('AQ_TOKEN_REQUEST_FAILED', 'invalid_grant', { error: 'invalid_grant' }));
    await expect(new Renewer(a.host, noLocks).renew()).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(a.on.refused).toHaveBeenCalledTimes(1);
    expect(a.on.failed).not.toHaveBeenCalled();
  });

  it('a renew() while a renewal holds its lock after taking its token renews again: the API refused that token', async () => {
    const first = issued();
    const a = tab({ record: first }, first);
    const renewer = new Renewer(a.host, fakeLocks());
    const second = issued();
    const third = issued();
    refreshRecord.mockResolvedValueOnce(second).mockResolvedValueOnce(third);
    const timed = renewer.renew();
    // The first renewal has taken `second` and holds its lock 50 ms more; `second` is refused now.
    await vi.advanceTimersByTimeAsync(10);
    expect(a.record()).toBe(second);
    const retried = renewer.renew();
    expect(await settle(timed)).toBe(second);
    expect((await settle(retried)).accessToken).toBe(third.accessToken);
    expect(refreshRecord).toHaveBeenCalledTimes(2);
  });

  it('an OP out of reach: reported once, retried with back-off, the user kept, then renewed', async () => {
    const first = issued();
    const a = tab({ record: first }, first);
    const down = new AqError('AQ_TOKEN_RENEWAL_FAILED', 'token renewal failed: Failed to fetch');
    refreshRecord.mockRejectedValueOnce(down).mockRejectedValueOnce(down).mockResolvedValueOnce(issued());
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const renewer = new Renewer(a.host, noLocks);
    await expect(renewer.renew()).rejects.toBe(down);
    await vi.advanceTimersByTimeAsync(1999);
    expect(refreshRecord).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // 2 s
    expect(refreshRecord).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(4000); // then 4 s
    expect(refreshRecord).toHaveBeenCalledTimes(3);
    expect(a.on.failed).toHaveBeenCalledTimes(1);
    expect(a.on.refused).not.toHaveBeenCalled();
    expect(a.on.renewed).toHaveBeenCalledTimes(1);
  });

  it('a renewal that names another user is refused', async () => {
    const first = issued();
    const a = tab({ record: first }, first);
    refreshRecord.mockResolvedValueOnce(issued('mallory'));
    await expect(new Renewer(a.host, noLocks).renew()).rejects.toMatchObject({ code: 'AQ_ID_TOKEN_INVALID' });
    expect(a.on.refused).toHaveBeenCalledTimes(1);
    expect(a.on.renewed).not.toHaveBeenCalled();
  });

  it('schedules the renewal 7.5 s into a 10 s token', async () => {
    const first = issued();
    const a = tab({ record: first }, first);
    refreshRecord.mockResolvedValue(issued());
    new Renewer(a.host, noLocks).schedule();
    await vi.advanceTimersByTimeAsync(7400);
    expect(refreshRecord).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect(refreshRecord).toHaveBeenCalledTimes(1);
  });

  it('without a refresh token: a silent renewal before the ID token expires; its failure is reported, never a sign-out nor retried', async () => {
    const first = { ...issued(), refreshToken: undefined, expiresAt: now() + 600 };
    const a = tab({ record: first }, first);
    const silent = vi.fn<() => Promise<SignedInRecord>>()
      .mockRejectedValueOnce(new AqError('AQ_AUTHORIZATION_ERROR', 'login_required', { error: 'login_required' }))
      .mockResolvedValueOnce({ ...issued(), refreshToken: undefined });
    const renewer = new Renewer({ ...a.host, silent }, noLocks);
    renewer.schedule();
    await vi.advanceTimersByTimeAsync(569_000);
    expect(silent).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000); // 30 s before the ID token's expiry
    expect(silent).toHaveBeenCalledTimes(1);
    expect(a.on.failed).toHaveBeenCalledWith(expect.objectContaining({ code: 'AQ_TOKEN_RENEWAL_FAILED', error: 'login_required' }));
    expect(a.on.refused).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(silent).toHaveBeenCalledTimes(1);
    // Asked for a token, it tries again, and takes what the OP gives.
    await vi.advanceTimersByTimeAsync(30_000); // the access token has expired by now
    const token = await settle(renewer.accessToken());
    expect(token).not.toBe(first.accessToken);
    expect(token).toBe(a.record()!.accessToken);
    expect(a.on.renewed).toHaveBeenCalledTimes(1);
  });

  it('renews tokens that live a second at most every 5 s', async () => {
    const first = issued();
    const a = tab({ record: first }, first);
    refreshRecord.mockImplementation(async () => ({ ...issued(), accessExpiresAt: now() + 1 }));
    new Renewer(a.host, noLocks).schedule();
    await vi.advanceTimersByTimeAsync(7600); // the first renewal, of the 10 s token
    await vi.advanceTimersByTimeAsync(20_000);
    expect(refreshRecord.mock.calls.length).toBeLessThanOrEqual(5);
    expect(refreshRecord.mock.calls.length).toBeGreaterThanOrEqual(4);
  });

  it('a failure that is no answer from the OP (discovery out of reach, a malformed answer) is retried, not a sign-out', async () => {
    const first = issued();
    const a = tab({ record: first }, first);
    refreshRecord.mockRejectedValueOnce(new AqError('AQ_DISCOVERY_FAILED', 'discovery failed: Failed to fetch'))
      .mockRejectedValueOnce(new AqError('AQ_TOKEN_REQUEST_FAILED', 'token renewal: "response" body "access_token" property must be a string'))
      .mockResolvedValueOnce(issued());
    vi.spyOn(Math, 'random').mockReturnValue(0);
    await expect(new Renewer(a.host, noLocks).renew()).rejects.toMatchObject({ code: 'AQ_TOKEN_RENEWAL_FAILED', message: 'token renewal failed: discovery failed: Failed to fetch' });
    expect(a.on.failed).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(6000);
    expect(refreshRecord).toHaveBeenCalledTimes(3);
    expect(a.on.refused).not.toHaveBeenCalled();
    expect(a.on.renewed).toHaveBeenCalledTimes(1);
  });
});
