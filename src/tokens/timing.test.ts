import { describe, expect, it } from 'vitest';
import type { SignedInRecord } from '../core/store.js';
import { backoff, fresh, renewalDue } from './timing.js';

const NOW = 1_800_000_000;
const record = (r: Partial<SignedInRecord>): SignedInRecord => ({ profile: { sub: 'alice' }, idToken: 'x', expiresAt: NOW + 3600, ...r });

describe('renewalDue', () => {
  it('renews a long-lived access token 30 s before it expires', () => {
    expect(renewalDue(record({ refreshToken: 'r', accessExpiresAt: NOW + 3600 }), NOW)).toBe(NOW + 3570);
  });
  it('renews a short-lived one after three quarters of its life, not the moment it arrives', () => {
    expect(renewalDue(record({ refreshToken: 'r', accessExpiresAt: NOW + 10 }), NOW)).toBe(NOW + 7.5);
  });
  it('without a refresh token, only the ID token expiry counts (the silent renewal)', () => {
    expect(renewalDue(record({ accessExpiresAt: NOW + 10, expiresAt: NOW + 600 }), NOW)).toBe(NOW + 570);
  });
  it('is due at once when already expired', () => {
    expect(renewalDue(record({ refreshToken: 'r', accessExpiresAt: NOW - 5 }), NOW)).toBe(NOW - 5);
  });
});

describe('fresh', () => {
  it('hands out a token with more than 5 s left, and one whose expiry is unknown', () => {
    expect(fresh(record({ accessExpiresAt: NOW + 6 }), NOW)).toBe(true);
    expect(fresh(record({ accessExpiresAt: NOW + 5 }), NOW)).toBe(false);
    expect(fresh(record({}), NOW)).toBe(true);
  });
});

describe('backoff', () => {
  it('doubles from 2 s up to a minute', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoff(n, 0))).toEqual([2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });
  it('takes up to a fifth off at random, never more', () => {
    expect(backoff(0, 0.999)).toBeGreaterThan(1600);
    expect(backoff(0, 0.5)).toBe(1800);
  });
});
