import { afterEach, describe, expect, it } from 'vitest';
import { peekProfile } from './record-key.js';
import { createStore } from './store.js';

const ISSUER = 'https://op.example';
const now = () => Math.floor(Date.now() / 1000);
const record = (extra: object) => ({ profile: { sub: 'alice', name: 'Alice' }, idToken: 'x.y.z', expiresAt: now() + 600, ...extra });

describe('peekProfile', () => {
  afterEach(() => {
    sessionStorage.clear();
    localStorage.clear();
  });

  it('reads the record the store keeps, under the issuer as the client spells it (its URL href)', () => {
    // createStore's key, which restore() reads: the issuer normalised as config.issuer.href.
    sessionStorage.setItem(createStore('session', `${ISSUER}/`, 'app').key, JSON.stringify(record({})));
    expect(peekProfile(undefined, ISSUER, 'app')).toEqual({ sub: 'alice', name: 'Alice' });
    expect(peekProfile('session', ISSUER, 'other')).toBeUndefined();
    expect(peekProfile('local', ISSUER, 'app')).toBeUndefined();
  });

  it('reads localStorage for storage "local", and nothing for "memory" (gone with the page)', () => {
    localStorage.setItem(createStore('local', `${ISSUER}/`, 'app').key, JSON.stringify(record({})));
    expect(peekProfile('local', ISSUER, 'app')?.sub).toBe('alice');
    expect(peekProfile('memory', ISSUER, 'app')).toBeUndefined();
  });

  it('shows nobody for a record restore() would drop as expired, unless a refresh token may renew it', () => {
    const key = createStore('session', `${ISSUER}/`, 'app').key;
    sessionStorage.setItem(key, JSON.stringify(record({ expiresAt: now() - 1 })));
    expect(peekProfile('session', ISSUER, 'app')).toBeUndefined();
    sessionStorage.setItem(key, JSON.stringify(record({ expiresAt: now() - 1, refreshToken: 'rt' })));
    expect(peekProfile('session', ISSUER, 'app')?.sub).toBe('alice');
  });

  it('shows nobody for garbage, a missing sub, or no issuer yet', () => {
    const key = createStore('session', `${ISSUER}/`, 'app').key;
    sessionStorage.setItem(key, '{not json');
    expect(peekProfile('session', ISSUER, 'app')).toBeUndefined();
    sessionStorage.setItem(key, JSON.stringify(record({ profile: { name: 'no sub' } })));
    expect(peekProfile('session', ISSUER, 'app')).toBeUndefined();
    expect(peekProfile('session', undefined, 'app')).toBeUndefined();
  });
});
