// @vitest-environment node
/// <reference types="node" />
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFormPostHandler } from './form-post.js';
import type { NodeHandlerOptions } from './node.js';
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

/** One raw HTTP/1.1 request (the target sent exactly as given); resolves with status and headers. */
function rawRequest(port: number, target: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => { data += chunk; });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = ''] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        parsed[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed });
    });
    const head = { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
    socket.end(`POST ${target} HTTP/1.1\r\n${Object.entries(head).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
  });
}

describe('toNodeHandler: the request target never chooses the origin', () => {
  const servers: http.Server[] = [];
  const seen: string[] = [];
  const formPost = createFormPostHandler({ returnTo: '/signin' });
  const start = async (options: NodeHandlerOptions) => {
    const s = http.createServer(toNodeHandler((request) => {
      seen.push(request.url);
      return formPost(request);
    }, options));
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return (s.address() as AddressInfo).port;
  };
  afterAll(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const targets = ['//evil.example/cb', '/\\evil.example/cb', 'http://evil.example/cb'];

  for (const target of targets) {
    it(`${target}: the Request and the 303 stay on the configured origin`, async () => {
      const port = await start({ origin: 'https://app.example' });
      seen.length = 0;
      const res = await rawRequest(port, target, { host: 'evil.example', ...form }, 'code=c&state=s');
      expect(seen).toHaveLength(1);
      expect(new URL(seen[0]!).origin).toBe('https://app.example');
      expect(res.status).toBe(303);
      expect(new URL(res.headers.location!).origin).toBe('https://app.example');
      expect(res.headers.location).not.toMatch(/evil\.example/);
    });

    it(`${target}: with the Host default, the Request stays on the loopback Host`, async () => {
      const port = await start({});
      seen.length = 0;
      const res = await rawRequest(port, target, { host: `127.0.0.1:${port}`, ...form }, 'code=c&state=s');
      expect(new URL(seen[0]!).origin).toBe(`http://127.0.0.1:${port}`);
      expect(new URL(res.headers.location!).origin).toBe(`http://127.0.0.1:${port}`);
    });
  }

  it('answers 421 to a Host that is not allowed, before the handler runs', async () => {
    const byDefault = await start({});
    const listed = await start({ allowedHosts: ['app.example', 'www.app.example:8443'] });
    seen.length = 0;
    for (const [port, host] of [[byDefault, 'evil.example'], [byDefault, 'localhost@evil.example'], [listed, 'evil.example'], [listed, 'app.example:8443']] as const) {
      const res = await rawRequest(port, '/cb', { host, ...form }, 'code=c&state=s');
      expect(res.status, host).toBe(421);
    }
    expect(seen).toEqual([]);
    const ok = await rawRequest(listed, '/cb', { host: 'WWW.app.example:8443', ...form }, 'code=c&state=s');
    expect(ok.status).toBe(303);
    expect(seen).toEqual(['http://www.app.example:8443/cb']);
  });

  it('refuses bad origin options at once with TypeError', () => {
    const h = () => new Response(null);
    for (const origin of ['app.example', 'https://app.example/path', 'ftp://app.example', 'https://u:p@app.example']) {
      expect(() => toNodeHandler(h, { origin }), origin).toThrow(TypeError);
    }
    expect(() => toNodeHandler(h, { allowedHosts: [] })).toThrow(TypeError);
    expect(() => toNodeHandler(h, { allowedHosts: ['app.example/x'] })).toThrow(TypeError);
    expect(() => toNodeHandler(h, { origin: 'https://app.example', allowedHosts: ['app.example'] })).toThrow(TypeError);
  });
});
