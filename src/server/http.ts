import { AqServerError } from './errors.js';

// Every answer of these handlers is about one credential or session: never cached (RFC 9111 §5.2.2.5).
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
  });
}

export function empty(status: number): Response {
  return new Response(null, { status, headers: NO_STORE });
}

/** The JSON error answer `{ error, error_description }` for a failure. */
export function errorResponse(err: AqServerError): Response {
  const headers: Record<string, string> = err.status === 405 ? { allow: 'POST' } : {};
  return json(err.status, { error: err.code, error_description: err.message }, headers);
}

/** Bodies of these endpoints are small; anything bigger is refused before it is parsed. */
const MAX_BODY_BYTES = 64 * 1024;

export function requirePost(request: Request): void {
  if (request.method !== 'POST') {
    throw new AqServerError('invalid_request', `expected POST, got ${request.method}`, { status: 405 });
  }
}

function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

const tooLarge = () => new AqServerError('invalid_request', `request body larger than ${MAX_BODY_BYTES} bytes`, { status: 413 });

/**
 * The body as text, read from its stream and counted as it comes: a chunked body has no
 * Content-Length, and `request.text()` would buffer whatever a client sends before any limit
 * applied. At the limit the stream is cancelled (the peer stops being read) and 413 is answered.
 */
async function readText(request: Request): Promise<string> {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel('request body too large').catch(() => undefined);
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** A JSON object body (`content-type: application/json`). */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  if (mediaType(request) !== 'application/json') {
    throw new AqServerError('invalid_request', `expected content-type application/json, got "${mediaType(request)}"`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await readText(request));
  } catch (err) {
    if (err instanceof AqServerError) throw err;
    throw new AqServerError('invalid_request', 'body is not valid JSON', { cause: err });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AqServerError('invalid_request', 'body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** An `application/x-www-form-urlencoded` body. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    throw new AqServerError('invalid_request', `expected content-type application/x-www-form-urlencoded, got "${mediaType(request)}"`);
  }
  return new URLSearchParams(await readText(request));
}
