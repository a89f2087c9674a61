import type { JWTPayload } from 'jose';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { CLOCK_TOLERANCE, checkAlgorithms } from './algorithms.js';
import { AqServerError, describe } from './errors.js';
import { errorResponse, readJsonObject, requirePost } from './http.js';
import { loadIssuer, parseIssuer } from './issuer.js';
import type { LogoutBus, SessionEnded } from './logout-bus.js';

/** Whose sign-in a stream stands for: the OP (`iss`), its user (`sub`) and, when known, its OP session (`sid`). */
export interface StreamSession {
  iss: string;
  sub: string;
  sid?: string;
}

export interface LogoutStreamOptions {
  /** The OP's issuer URL: ID tokens are verified against it; sessions `identify` returns must name it. */
  issuer: string;
  /** This RP's client_id: an ID token's `aud` must contain it. */
  clientId: string;
  /** Where logouts arrive: the bus `createBackchannelLogoutHandler`'s `logoutBus` publishes to. */
  bus: LogoutBus;
  /**
   * The app's own session, for pages that signed in through the backend (`backend-url`): reads
   * the request's session cookie and returns whose sign-in it is, or null. Checked before any ID
   * token. Without it only an ID token opens a stream.
   */
  identify?: (request: Request) => Promise<StreamSession | null> | StreamSession | null;
  /** Whether a page may prove its session with its ID token (browser-only sign-in). Default true. */
  acceptIdToken?: boolean;
  /**
   * Open streams per session (`iss` + `sub` + `sid`) on this instance; one more is answered 429.
   * A page holds one per tab. Default 16.
   */
  maxStreamsPerSession?: number;
  /** Open streams on this instance in all; one more is answered 503. Default 20 000. */
  maxStreams?: number;
  /** Milliseconds between heartbeats, which keep proxies from closing an idle stream and let the page notice a dead one. Default 15 000. */
  heartbeat?: number;
  /** Accepted ID token signature algorithms; asymmetric only. Default: RS*, PS*, ES*, EdDSA. */
  algorithms?: readonly string[];
}

interface Stream {
  session: StreamSession;
  send(chunk: Uint8Array): void;
  close(): void;
}

const encoder = new TextEncoder();
const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
// An SSE comment: ignored by every SSE parser, but bytes on the wire.
const PING = encoder.encode(':\n\n');
/** A page that reads nothing while this many frames pile up is dropped rather than buffered without end. */
const MAX_QUEUED = 64;

function unauthorized(message: string, cause?: unknown): AqServerError {
  return new AqServerError('invalid_token', message, { cause, status: 401 });
}

/**
 * Whether a logout is about this stream's session: same OP; a `sid` must be this session's, a
 * `sub` this user's (Back-Channel Logout §2.4: `sid` alone names one OP session, `sub` alone
 * every session of the user). A stream that knows no `sid` hears only logouts that name its `sub`.
 */
function matches(session: StreamSession, event: SessionEnded): boolean {
  if (session.iss !== event.iss) return false;
  if (event.sid !== undefined && session.sid !== event.sid) return false;
  if (event.sub !== undefined && session.sub !== event.sub) return false;
  return true;
}

function checkSession(value: unknown, issuer: string): StreamSession | null {
  if (value === null || value === undefined) return null;
  const { iss, sub, sid } = value as Partial<StreamSession>;
  if (typeof iss !== 'string' || typeof sub !== 'string' || !sub || (sid !== undefined && (typeof sid !== 'string' || !sid))) {
    throw new TypeError('logout stream: "identify" must return { iss, sub, sid? } with non-empty strings, or null');
  }
  // A session of another OP would never match a logout of this one: a silent dead stream.
  if (iss !== issuer) throw new TypeError(`logout stream: "identify" returned a session of "${iss}", not of "${issuer}"`);
  return { iss, sub, ...(sid ? { sid } : {}) };
}

/**
 * A `Request -> Response` handler for the page's logout stream. The page POSTs JSON (`{}` with its
 * session cookie, or `{ "id_token": "…" }`) and reads the answer as Server-Sent Events for as long
 * as it stays signed in. A POST rather than EventSource's GET: the ID token travels in the body,
 * never in a URL (which servers and proxies log), and a JSON body makes a cross-site page's request
 * a CORS preflight, so no other site can open a stream with the user's cookie.
 *
 * Events: `ready` `{ heartbeat, available }` first; `logout` `{ sub, sid }` when this session
 * ended (then the stream ends); `unavailable` / `available` when the bus stops or resumes
 * delivering (a Redis connection lost: a logout meanwhile may be missed, and the page should say
 * so); an SSE comment every `heartbeat` ms.
 *
 * Refused with JSON errors: no session and no ID token, or an ID token that fails a check
 * (signature with an asymmetric alg, iss, aud, azp, exp, iat; not a logout or access token): 401
 * `invalid_token`. Too many streams for one session: 429 `invalid_request`; for the instance: 503.
 */
export function createLogoutStreamHandler(options: LogoutStreamOptions): (request: Request) => Promise<Response> {
  const issuerUrl = parseIssuer(options.issuer);
  if (typeof options.clientId !== 'string' || !options.clientId) throw new TypeError('"clientId" is required');
  const bus = options.bus;
  if (!bus || typeof bus.subscribe !== 'function' || typeof bus.publish !== 'function') throw new TypeError('"bus" must be a LogoutBus (memoryLogoutBus() or redisLogoutBus())');
  if (options.identify !== undefined && typeof options.identify !== 'function') throw new TypeError('"identify" must be a function');
  const algorithms = checkAlgorithms(options.algorithms);
  const acceptIdToken = options.acceptIdToken ?? true;
  const perSession = positive(options.maxStreamsPerSession, 16, 'maxStreamsPerSession');
  const maxStreams = positive(options.maxStreams, 20_000, 'maxStreams');
  const heartbeat = positive(options.heartbeat, 15_000, 'heartbeat');
  // The discovered issuer string is what tokens and logouts carry; parseIssuer's href may add a "/".
  let issuer = options.issuer;

  /** Open streams by session (iss, sub, sid: the bound), by OP session (iss, sid) and by user (iss, sub). */
  const bySession = new Map<string, Set<Stream>>();
  const bySid = new Map<string, Set<Stream>>();
  const bySub = new Map<string, Set<Stream>>();
  let open = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const add = (index: Map<string, Set<Stream>>, key: string, s: Stream) => {
    const set = index.get(key) ?? new Set();
    set.add(s);
    index.set(key, set);
  };
  const remove = (index: Map<string, Set<Stream>>, key: string, s: Stream) => {
    const set = index.get(key);
    if (set?.delete(s) && !set.size) index.delete(key);
  };
  const all = function* () {
    for (const set of bySession.values()) yield* set;
  };

  // One subscription for every stream of this handler: a logout costs one index lookup, not one
  // test per open stream.
  bus.subscribe(
    (event) => {
      const candidates = event.sid !== undefined ? bySid.get(`${event.iss}\n${event.sid}`) : bySub.get(`${event.iss}\n${event.sub}`);
      for (const s of [...(candidates ?? [])]) {
        if (!matches(s.session, event)) continue;
        s.send(frame('logout', { sub: s.session.sub, ...(s.session.sid ? { sid: s.session.sid } : {}) }));
        s.close();
      }
    },
    (available) => {
      const chunk = frame(available ? 'available' : 'unavailable', {});
      for (const s of [...all()]) s.send(chunk);
    },
  );

  async function fromIdToken(idToken: unknown): Promise<StreamSession> {
    if (typeof idToken !== 'string' || idToken.split('.').length !== 3) throw unauthorized('"id_token" must be a JWS compact JWT');
    const ctx = await loadIssuer(issuerUrl);
    issuer = ctx.as.issuer;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, ctx.keys, {
        algorithms,
        issuer: ctx.as.issuer,
        audience: options.clientId,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: CLOCK_TOLERANCE,
      }));
    } catch (err) {
      throw unauthorized(`ID token rejected: ${describe(err)}`, err);
    }
    // OIDC Core §3.1.3.7 (8): with several audiences, azp must name this client.
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== options.clientId) {
      throw unauthorized(`ID token rejected: "azp" must be "${options.clientId}" when "aud" has several values`);
    }
    // Other tokens of the same OP and audience are no proof of a sign-in: a logout token
    // (Back-Channel Logout §2.4 types it and gives it "events") or a JWT access token (RFC 9068).
    const typ = String(decodeProtectedHeader(idToken).typ ?? '').toLowerCase().replace(/^application\//, '');
    if (typ === 'logout+jwt' || typ === 'at+jwt' || 'events' in payload) throw unauthorized('ID token rejected: it is a logout or access token, not an ID token');
    const sid = typeof payload.sid === 'string' && payload.sid ? payload.sid : undefined;
    return { iss: ctx.as.issuer, sub: payload.sub!, ...(sid ? { sid } : {}) };
  }

  async function authenticate(request: Request): Promise<StreamSession> {
    requirePost(request);
    const body = await readJsonObject(request);
    if (options.identify) {
      let found: StreamSession | null;
      try {
        found = checkSession(await options.identify(request), issuer);
      } catch (err) {
        // The app's own failure: its message (a database error…) is not the page's to read.
        throw new AqServerError('server_error', 'logout stream: the app\'s "identify" failed', { cause: err });
      }
      if (found) return found;
    }
    if (acceptIdToken && body.id_token !== undefined) return fromIdToken(body.id_token);
    throw unauthorized(acceptIdToken ? 'no session: send the session cookie or { "id_token": … }' : 'no session: the session cookie is missing or its session has ended');
  }

  function startHeartbeat() {
    timer ??= setInterval(() => {
      for (const s of [...all()]) s.send(PING);
    }, heartbeat);
    // Heartbeats alone must not keep a process alive that has nothing else to do.
    (timer as { unref?: () => void }).unref?.();
  }

  function openStream(session: StreamSession): Response {
    const key = `${session.iss}\n${session.sub}\n${session.sid ?? ''}`;
    if ((bySession.get(key)?.size ?? 0) >= perSession) {
      throw new AqServerError('invalid_request', `too many logout streams for this session (${perSession}); close one first`, { status: 429 });
    }
    if (open >= maxStreams) throw new AqServerError('server_error', `this server holds its maximum of ${maxStreams} logout streams`, { status: 503 });
    let stream!: Stream;
    let detach = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false;
        detach = () => {
          if (closed) return;
          closed = true;
          open -= 1;
          remove(bySession, key, stream);
          if (session.sid) remove(bySid, `${session.iss}\n${session.sid}`, stream);
          remove(bySub, `${session.iss}\n${session.sub}`, stream);
          if (!open && timer) {
            clearInterval(timer);
            timer = undefined;
          }
        };
        stream = {
          session,
          send(chunk) {
            if (closed) return;
            if ((controller.desiredSize ?? 0) < -MAX_QUEUED) return stream.close();
            controller.enqueue(chunk);
          },
          close() {
            if (closed) return;
            detach();
            controller.close();
          },
        };
        open += 1;
        add(bySession, key, stream);
        if (session.sid) add(bySid, `${session.iss}\n${session.sid}`, stream);
        add(bySub, `${session.iss}\n${session.sub}`, stream);
        startHeartbeat();
        controller.enqueue(frame('ready', { heartbeat, available: bus.available }));
      },
      // The page went away (the node adapter cancels the body when the connection closes).
      cancel() {
        detach();
      },
    }, { highWaterMark: 1 });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // nginx buffers proxied answers unless told not to; a buffered stream delivers nothing.
        'x-accel-buffering': 'no',
      },
    });
  }

  return async (request) => {
    try {
      return openStream(await authenticate(request));
    } catch (err) {
      const e = err instanceof AqServerError ? err : new AqServerError('server_error', describe(err), { cause: err });
      return errorResponse(e);
    }
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new TypeError(`"${name}" must be a positive whole number, got ${JSON.stringify(value)}`);
  return value;
}
