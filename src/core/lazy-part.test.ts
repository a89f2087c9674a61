import { describe, expect, it } from 'vitest';
import { AqError } from '../errors.js';
import { lazyPart } from './lazy-part.js';

describe('lazyPart', () => {
  it('hands over the module once it has loaded', async () => {
    const load = lazyPart('backend hand-off', () => Promise.resolve({ answer: 42 }));
    expect((await load()).answer).toBe(42);
  });

  it('makes a failed load AQ_LOAD_FAILED naming the part, with the failure as its cause; the next call imports again', async () => {
    const failure = new TypeError('Failed to fetch dynamically imported module: https://app.example/assets/backend-x.js');
    let calls = 0;
    const load = lazyPart('backend hand-off', () => (++calls === 1 ? Promise.reject(failure) : Promise.resolve('loaded')));
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AqError);
    expect(error).toMatchObject({ code: 'AQ_LOAD_FAILED', message: 'the backend hand-off script could not be loaded', cause: failure });
    expect(await load()).toBe('loaded');
  });
});
