/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export interface NodeHandlerOptions {
  /** Request bodies larger than this are answered 413 without reaching the handler. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * The origin the Request URL is built on, e.g. `https://app.example.com`. Default: from the
   * `Host` header, `https` when the socket is TLS.
   *
   * > [!WARNING]
   * > The default trusts the `Host` header; behind a proxy set this explicitly.
   */
  origin?: string;
}

type Next = (err?: unknown) => void;

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > max) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** A Fetch API `Request` for a node:http request (the body read up to `maxBodyBytes`). */
export async function toRequest(req: IncomingMessage, options: NodeHandlerOptions = {}): Promise<Request | null> {
  const origin = options.origin
    ?? `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  const url = new URL(req.url ?? '/', origin);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue; // HTTP/2 pseudo-headers
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const read = await readBody(req, options.maxBodyBytes ?? 1024 * 1024);
    if (read === null) return null;
    body = new Uint8Array(read); // a copy on a plain ArrayBuffer, as BodyInit wants
  }
  return new Request(url, { method, headers, ...(body ? { body } : {}) });
}

/** Writes a Fetch API `Response` to a node:http response (several Set-Cookie headers kept apart). */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  if (!response.body) {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
  });
}

/**
 * Adapts a `Request -> Response` handler to node:http (`http.createServer(toNodeHandler(h))`),
 * and to Connect/Express-style middleware stacks: with a `next`, errors go to it.
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response> | Response,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse, next?: Next) => Promise<void> {
  return async (req, res, next) => {
    try {
      const request = await toRequest(req, options);
      if (!request) {
        res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ error: 'invalid_request', error_description: 'request body too large' }));
        return;
      }
      await writeResponse(await handler(request), res);
    } catch (err) {
      if (next) return next(err);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ error: 'server_error', error_description: 'unexpected failure' }));
      } else {
        res.destroy(err instanceof Error ? err : undefined);
      }
    }
  };
}
