import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from './config.js';
import { RecordKeeper } from './record-keeper.js';
import type { SignedInRecord } from './store.js';

const config = resolveConfig({ issuer: 'https://op.example', clientId: 'app' });
const token = (exp: number) => `e30.${btoa(JSON.stringify({ sub: 'alice', exp })).replace(/=+$/, '')}.sig`;
const record = (exp: number): SignedInRecord => ({ profile: { sub: 'alice' }, idToken: token(exp), expiresAt: exp });

let keeper: RecordKeeper;
beforeEach(() => {
  vi.useFakeTimers();
  sessionStorage.clear();
});
afterEach(() => {
  keeper?.close();
  vi.useRealTimers();
});

describe('RecordKeeper', () => {
  it('ends a record when its ID token expires, and a record kept again (a silent re-check) at its new expiry', () => {
    const expired = vi.fn();
    keeper = new RecordKeeper(config, { expired, signedOutElsewhere: () => {}, signedInElsewhere: () => {}, renewedElsewhere: () => {} });
    const now = Math.floor(Date.now() / 1000);
    keeper.keep(record(now + 60), false);
    // The same user, a new ID token from the silent re-check: the old expiry no longer applies.
    vi.advanceTimersByTime(30_000);
    keeper.keep(record(now + 600), false);
    vi.advanceTimersByTime(60_000);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(600_000);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('forgets the record here and in storage, and says who it was', () => {
    keeper = new RecordKeeper(config, { expired: () => {}, signedOutElsewhere: () => {}, signedInElsewhere: () => {}, renewedElsewhere: () => {} });
    const r = record(Math.floor(Date.now() / 1000) + 60);
    keeper.keep(r, false);
    expect(keeper.load()).toEqual(r);
    expect(keeper.drop(false)).toBe(r);
    expect([keeper.record, keeper.load(), keeper.drop(false)]).toEqual([null, null, null]);
  });

  it('with a refresh token, neither ends the record at its ID token expiry nor refuses to restore it (renewal decides)', () => {
    const expired = vi.fn();
    keeper = new RecordKeeper(config, { expired, signedOutElsewhere: () => {}, signedInElsewhere: () => {}, renewedElsewhere: () => {} });
    const now = Math.floor(Date.now() / 1000);
    const r = { ...record(now + 60), refreshToken: 'rt' };
    keeper.keep(r, false);
    vi.advanceTimersByTime(120_000);
    expect(expired).not.toHaveBeenCalled();
    expect(keeper.load()).toEqual(r);
    // The same record without a refresh token is over.
    keeper.keep(record(now + 60), false);
    vi.advanceTimersByTime(1000);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(keeper.load()).toBe('expired');
  });

  it('hears the app\'s other tabs and tells them; once closed it tells no one, and keeping a user then does not throw', async () => {
    const signedOutElsewhere = vi.fn();
    const signedInElsewhere = vi.fn();
    keeper = new RecordKeeper(config, { expired: () => {}, signedOutElsewhere, signedInElsewhere, renewedElsewhere: () => {} });
    const otherTab = new BroadcastChannel(`aq-signin:tabs:${config.issuer.href}|${config.clientId}`);
    const heard: unknown[] = [];
    otherTab.onmessage = (e) => heard.push(e.data);
    try {
      otherTab.postMessage({ type: 'signed-in' });
      otherTab.postMessage({ type: 'something else' });
      otherTab.postMessage({ type: 'signed-out' });
      await vi.waitFor(() => expect(signedOutElsewhere).toHaveBeenCalledTimes(1));
      expect(signedInElsewhere).toHaveBeenCalledTimes(1);
      const r = record(Math.floor(Date.now() / 1000) + 60);
      keeper.keep(r, true);
      keeper.drop(true);
      await vi.waitFor(() => expect(heard).toEqual([{ type: 'signed-in' }, { type: 'signed-out' }]));
      keeper.close();
      // A dropped client may still finish a sign-in it started (client.ts): the user is stored.
      keeper.keep(r, true);
      expect(keeper.record).toBe(r);
    } finally {
      otherTab.close();
    }
  });
});
