import { beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';
import { newTransaction } from './authorize.js';
import { isPopupState, saveTransaction, takeRedirectTransaction } from './transaction.js';

const config = resolveConfig({ issuer: 'https://op.example', clientId: 'app', display: 'redirect' });
const mine = () => true;

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
});

describe('transactions', () => {
  it('state and nonce are 32 fresh random bytes', () => {
    const tx = newTransaction(config, 'v');
    expect(tx.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tx.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tx.state).not.toBe(tx.nonce);
    expect(newTransaction(config, 'v').state).not.toBe(tx.state);
  });

  it('a redirect transaction is taken once: a replay finds nothing', () => {
    const tx = newTransaction(config, 'v');
    saveTransaction(tx);
    expect(takeRedirectTransaction(tx.state, mine)).toEqual(tx);
    expect(takeRedirectTransaction(tx.state, mine)).toBe('unknown');
    expect(takeRedirectTransaction('never-issued', mine)).toBe('unknown');
  });

  it('leaves another client its transaction', () => {
    const tx = newTransaction(config, 'v');
    saveTransaction(tx);
    expect(takeRedirectTransaction(tx.state, () => false)).toBe('other');
    expect(takeRedirectTransaction(tx.state, mine)).toEqual(tx);
  });

  it('refuses an abandoned transaction older than 30 minutes', () => {
    const tx = { ...newTransaction(config, 'v'), createdAt: Date.now() - 31 * 60 * 1000 };
    saveTransaction(tx);
    expect(takeRedirectTransaction(tx.state, mine)).toBe('unknown');
  });

  it('a popup leaves only a marker in localStorage: no verifier, no nonce', () => {
    const tx = newTransaction({ ...config, display: 'popup' }, 'secret-verifier');
    saveTransaction(tx);
    expect(isPopupState(tx.state)).toBe(true);
    const stored = JSON.stringify({ ...localStorage });
    expect(stored).not.toContain('secret-verifier');
    expect(stored).not.toContain(tx.nonce);
    expect(sessionStorage.length).toBe(0);
  });

  it('a new request sweeps abandoned ones (older than 30 minutes, or unreadable) from both storages', () => {
    const old = Date.now() - 31 * 60 * 1000;
    localStorage.setItem('aq-signin:tx:abandoned-popup', JSON.stringify({ display: 'popup', createdAt: old }));
    localStorage.setItem('aq-signin:tx:garbage', '{not json');
    sessionStorage.setItem('aq-signin:tx:abandoned-redirect', JSON.stringify({ ...newTransaction(config, 'v'), createdAt: old }));
    const recent = newTransaction({ ...config, display: 'popup' }, 'v');
    saveTransaction(recent);
    localStorage.setItem('page-own-key', 'kept');
    saveTransaction(newTransaction(config, 'v'));
    expect(Object.keys(localStorage).sort()).toEqual([`aq-signin:tx:${recent.state}`, 'page-own-key']);
    expect(Object.keys(sessionStorage)).toHaveLength(1);
  });
});
