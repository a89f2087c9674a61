// @vitest-environment node
/// <reference types="node" />
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNodeHandler } from './node.js';

let server: http.Server;
let base: string;
let failWith: Error | null = null;

beforeAll(async () => {
  server = http.createServer(toNodeHandler(async (request) => {
    if (failWith) throw failWith;
    const headers = new Headers({ 'content-type': 'application/json', 'x-method': request.method });
    headers.append('set-cookie', 'a=1; Path=/');
    headers.append('set-cookie', 'b=2; Path=/');
    return new Response(JSON.stringify({ url: request.url, body: await request.text(), type: request.headers.get('content-type') }), { status: 201, headers });
  }, { maxBodyBytes: 32 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('toNodeHandler', () => {
  it('maps method, URL, headers and body in; status, headers, each Set-Cookie and body out', async () => {
    const res = await fetch(`${base}/api/x?y=1`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-method')).toBe('POST');
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(await res.json()).toEqual({ url: `${base}/api/x?y=1`, body: 'hello', type: 'text/plain' });
  });

  it('answers 413 to a body over maxBodyBytes', async () => {
    const res = await fetch(`${base}/`, { method: 'POST', body: 'x'.repeat(100) });
    expect(res.status).toBe(413);
  });

  it('answers 500 JSON when the handler throws, without its message', async () => {
    failWith = new Error('secret detail');
    try {
      const res = await fetch(`${base}/`);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text).error).toBe('server_error');
      expect(text).not.toMatch(/secret detail/);
    } finally {
      failWith = null;
    }
  });
});
