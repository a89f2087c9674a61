/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { AqServerError } from './errors.js';
import { errorResponse } from './http.js';

export interface NodeHandlerOptions {
  /** Request bodies larger than this are answered 413 without reaching the handler. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * The origin every `Request.url` is built on, e.g. `https://app.example.com`: what the browser
   * sees, so behind a TLS-terminating proxy the public `https` origin. The request target only
   * ever gives the path and query. Set this (or `allowedHosts`) in production.
   *
   * Default: from the `Host` header, and only when it names a loopback host (`localhost`,
   * `127.0.0.1`, `[::1]`, any port; https when the socket is TLS); any other `Host` is answered
   * 421 `invalid_request`. A handler must never learn its origin from a request it has not
   * checked: `createFormPostHandler` redirects on it, and apps compare `Origin` with it.
   */
  origin?: string;
  /**
   * The `Host` header values (`host` or `host:port`, as browsers send them) this server answers
   * for, when it has several names; `Request.url` is built on the one the request names (https
   * when the socket is TLS). Any other `Host` is answered 421 `invalid_request`. Not together
   * with `origin`.
   */
  allowedHosts?: readonly string[];
}

interface OriginPolicy {
  origin?: string;
  hosts?: ReadonlySet<string>;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks the options once, when the handler is made: bad ones throw TypeError at once. */
function originPolicy(options: NodeHandlerOptions): OriginPolicy {
  const { origin, allowedHosts } = options;
  if (origin !== undefined && allowedHosts !== undefined) throw new TypeError('toNodeHandler: set "origin" or "allowedHosts", not both');
  if (origin !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.href !== `${url.origin}/` || url.username || url.password) {
      throw new TypeError(`toNodeHandler: "origin" must be an http(s) origin such as "https://app.example.com", got "${origin}"`);
    }
    return { origin: url.origin };
  }
  if (allowedHosts !== undefined) {
    if (!Array.isArray(allowedHosts) || allowedHosts.length === 0) throw new TypeError('toNodeHandler: "allowedHosts" must be a non-empty array of host names');
    const hosts = new Set<string>();
    for (const host of allowedHosts) {
      if (typeof host !== 'string' || hostOf(host) !== host.toLowerCase()) {
        throw new TypeError(`toNodeHandler: "allowedHosts" entries are "host" or "host:port", got ${JSON.stringify(host)}`);
      }
      hosts.add(host.toLowerCase());
    }
    return { hosts };
  }
  return {};
}

/** A Host value as URL parsing normalises it, or null: anything that is not plain `host[:port]` differs. */
function hostOf(value: string): string | null {
  try {
    const url = new URL(`http://${value}/`);
    return url.host === value.toLowerCase() ? url.host : null;
  } catch {
    return null;
  }
}

function originOf(req: IncomingMessage, policy: OriginPolicy): string {
  if (policy.origin) return policy.origin;
  const raw = req.headers.host ?? '';
  const host = hostOf(raw);
  const allowed = policy.hosts ? host !== null && policy.hosts.has(host) : host !== null && LOOPBACK.has(new URL(`http://${host}/`).hostname);
  if (!allowed) {
    throw new AqServerError('invalid_request', `Host "${raw}" is not one this server answers for: set "origin" or "allowedHosts" of toNodeHandler`, { status: 421 });
  }
  return `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${host}`;
}

/**
 * The path and query of a request target, never its authority. Origin-form (`/p?q`) is kept as
 * sent and appended to the origin: resolving it instead (`new URL(target, origin)`) makes
 * `//evil.example/cb` and `/\evil.example/cb` network-path references to another host.
 * Absolute-form (RFC 9112 §3.2.2, `http://evil.example/cb`) gives its path and query only.
 */
function pathOf(target: string): string {
  if (target.startsWith('/')) return target;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return '/'; // asterisk-form (`OPTIONS *`) or garbage
  }
}

type Next = (err?: unknown) => void;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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

/**
 * A Fetch API `Request` for a node:http request (the body read up to `maxBodyBytes`; null when it
 * is larger). Its URL is on `origin` (or an allowed `Host`); a `Host` not allowed throws
 * `AqServerError` `invalid_request` with status 421.
 */
export async function toRequest(req: IncomingMessage, options: NodeHandlerOptions = {}): Promise<Request | null> {
  return buildRequest(req, options, originPolicy(options));
}

async function buildRequest(req: IncomingMessage, options: NodeHandlerOptions, policy: OriginPolicy): Promise<Request | null> {
  const url = new URL(originOf(req, policy) + pathOf(req.url ?? '/'));
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue; // HTTP/2 pseudo-headers
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const read = await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
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
  // An event stream (the logout stream) must reach the client before its first event, which may
  // come hours later: headers now.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) res.flushHeaders();
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
  await new Promise<void>((resolve, reject) => {
    // A client that goes away ends nothing by itself: destroying the body cancels the handler's
    // stream, which frees what it holds (a logout stream's place in the session's bound).
    res.on('close', () => {
      if (!res.writableFinished) body.destroy();
      resolve();
    });
    body.on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
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
  const policy = originPolicy(options);
  return async (req, res, next) => {
    try {
      let request: Request | null;
      try {
        request = await buildRequest(req, options, policy);
      } catch (err) {
        if (!(err instanceof AqServerError)) throw err;
        await writeResponse(errorResponse(err), res);
        return;
      }
      if (!request) {
        const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
        await writeResponse(errorResponse(new AqServerError('invalid_request', `request body larger than ${max} bytes`, { status: 413 })), res);
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
