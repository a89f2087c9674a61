// @vitest-environment node
// (happy-dom's URL.parse returns a URL that is not an instance of its own URL, which oauth4webapi checks.)
import * as oauth from 'oauth4webapi';
import { describe, expect, it, vi } from 'vitest';
import type { AqConfig } from './config.js';
import { dpopFor, retryOnNonce } from './dpop.js';

const config = (dpop: AqConfig['dpop'], more: Partial<AqConfig> = {}) => ({ issuer: new URL('https://op.example'), clientId: 'app', responseType: 'code', dpop, ...more }) as AqConfig;
const as = (algs?: string[]) => ({ issuer: 'https://op.example', dpop_signing_alg_values_supported: algs });

describe('dpopFor', () => {
  it('is off without ES256 in dpop_signing_alg_values_supported, or with dpop "off"', async () => {
    await expect(dpopFor(config('auto'), as())).resolves.toBeUndefined();
    await expect(dpopFor(config('auto'), as(['RS256']))).resolves.toBeUndefined();
    await expect(dpopFor(config('off'), as(['ES256']))).resolves.toBeUndefined();
  });

  it('is off when the browser redeems no code: implicit, or a backend-url that redeems it', async () => {
    await expect(dpopFor(config('auto', { responseType: 'id_token' }), as(['ES256']))).resolves.toBeUndefined();
    await expect(dpopFor(config('auto', { backendUrl: 'https://rp.example/code' }), as(['ES256']))).resolves.toBeUndefined();
  });

  it('"required" with an OP that does not offer it: AQ_CONFIG_INVALID naming the metadata', async () => {
    await expect(dpopFor(config('required'), as(['RS256']))).rejects.toMatchObject({ code: 'AQ_CONFIG_INVALID', message: expect.stringContaining('dpop_signing_alg_values_supported') });
  });
});

describe('retryOnNonce', () => {
  const nonceError = new oauth.ResponseBodyError('use nonce', { cause: { error: 'use_dpop_nonce' }, response: new Response(null, { status: 400 }) });
  const handle = {} as oauth.DPoPHandle;

  it('runs once more on use_dpop_nonce, only with a handle, and passes other errors on', async () => {
    const twice = vi.fn().mockRejectedValueOnce(nonceError).mockResolvedValueOnce('ok');
    await expect(retryOnNonce(handle, twice)).resolves.toBe('ok');
    expect(twice).toHaveBeenCalledTimes(2);
    const without = vi.fn().mockRejectedValue(nonceError);
    await expect(retryOnNonce(undefined, without)).rejects.toBe(nonceError);
    expect(without).toHaveBeenCalledTimes(1);
    const other = new Error('network');
    await expect(retryOnNonce(handle, vi.fn().mockRejectedValue(other))).rejects.toBe(other);
  });
});
