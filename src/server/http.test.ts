// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createFormPostHandler } from './form-post.js';

const LIMIT = 64 * 1024;
const CHUNK = 16 * 1024;

/** A body that would produce `total` bytes, counting what the handler pulls and whether it cancels. */
function endlessBody(total: number) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled >= total) return controller.close();
      seen.pulled += CHUNK;
      controller.enqueue(new TextEncoder().encode('a'.repeat(CHUNK)));
    },
    cancel() {
      seen.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, seen };
}

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request('https://app.example/cb', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body,
  duplex: 'half',
} as RequestInit);

describe('request bodies of the Fetch API handlers', () => {
  const handler = createFormPostHandler({ returnTo: '/' });

  it('refuses a 50 MiB streamed body without Content-Length with 413, after reading little more than the limit', async () => {
    const { stream, seen } = endlessBody(50 * 1024 * 1024);
    const response = await handler(post(stream));
    expect(response.status).toBe(413);
    expect((await response.json()).error).toBe('invalid_request');
    expect(seen.pulled).toBeGreaterThan(LIMIT);
    expect(seen.pulled).toBeLessThanOrEqual(LIMIT + 4 * CHUNK);
    expect(seen.cancelled).toBe(true);
  });

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    const { stream, seen } = endlessBody(LIMIT + CHUNK);
    const response = await handler(post(stream, { 'content-length': String(LIMIT + CHUNK) }));
    expect(response.status).toBe(413);
    expect(seen.pulled).toBeLessThanOrEqual(CHUNK);
  });

  it('reads a streamed body under the limit whole, multi-byte characters split across chunks included', async () => {
    const bytes = new TextEncoder().encode(`state=${'é'.repeat(100)}&code=c`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const response = await handler(post(stream));
    expect(response.status).toBe(303);
    const fragment = new URLSearchParams(new URL(response.headers.get('location')!).hash.slice(1));
    expect(fragment.get('state')).toBe('é'.repeat(100));
    expect(fragment.get('code')).toBe('c');
  });
});
