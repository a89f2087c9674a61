import { beforeEach, describe, expect, it } from 'vitest';
import type { SignedInRecord } from './store.js';
import { createStore } from './store.js';

// Only the payload is read back (the token was verified before it was stored).
const token = (claims: Record<string, unknown>) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;
const record: SignedInRecord = { profile: { sub: 'alice' }, idToken: token({ sub: 'alice', exp: 2_000_000_000 }), expiresAt: 2_000_000_000 };

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
});

describe('createStore', () => {
  it('keeps each kind where it says, keyed by issuer and client', () => {
    createStore('session', 'https://op.example/', 'app').save(record);
    createStore('local', 'https://op.example/', 'other').save(record);
    createStore('memory', 'https://op.example/', 'mem').save(record);
    expect(Object.keys(sessionStorage)).toEqual(['aq-signin:user:https://op.example/|app']);
    expect(Object.keys(localStorage)).toEqual(['aq-signin:user:https://op.example/|other']);
    expect(createStore('memory', 'https://op.example/', 'mem').load()).toEqual(record);
    expect(createStore('session', 'https://op.example/', 'other').load()).toBeNull();
  });

  it('ignores what is not a signed-in record', () => {
    const store = createStore('session', 'https://op.example/', 'app');
    sessionStorage.setItem('aq-signin:user:https://op.example/|app', '{not json');
    expect(store.load()).toBeNull();
    sessionStorage.setItem('aq-signin:user:https://op.example/|app', JSON.stringify({ ...record, profile: {} }));
    expect(store.load()).toBeNull();
    sessionStorage.setItem('aq-signin:user:https://op.example/|app', JSON.stringify({ profile: { sub: 'a' }, expiresAt: 2e9 }));
    expect(store.load()).toBeNull();
  });

  it('trusts no record that outlives its ID token or names another user', () => {
    const store = createStore('session', 'https://op.example/', 'app');
    const stored = (r: unknown) => {
      sessionStorage.setItem('aq-signin:user:https://op.example/|app', JSON.stringify(r));
      return store.load();
    };
    // JSON has no Infinity: 1e999 parses to it.
    sessionStorage.setItem('aq-signin:user:https://op.example/|app', JSON.stringify(record).replace('"expiresAt":2000000000', '"expiresAt":1e999'));
    expect(store.load()).toBeNull();
    expect(stored({ ...record, expiresAt: 3_000_000_000 })?.expiresAt).toBe(2_000_000_000);
    expect(stored({ ...record, profile: { sub: 'mallory' } })).toBeNull();
    expect(stored({ ...record, idToken: 'not-a-jwt' })).toBeNull();
    // A backend's session without an ID token keeps its own lifetime.
    expect(stored({ ...record, idToken: '', expiresAt: 3_000_000_000 })?.expiresAt).toBe(3_000_000_000);
  });

  it('clears', () => {
    const store = createStore('local', 'https://op.example/', 'app');
    store.save(record);
    store.clear();
    expect(store.load()).toBeNull();
    expect(localStorage.length).toBe(0);
  });
});
