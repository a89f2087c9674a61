import { AqError } from '../errors.js';

export interface LogoutStreamOptions {
  /** The backend's logout stream (`createLogoutStreamHandler` of aq-signin/server). */
  url: string;
  /**
   * The proof of a browser-only sign-in, read at each (re)connection: a renewal's newer ID token
   * keeps the stream openable after the first one expires. Without it the backend's session
   * cookie is the proof.
   */
  idToken?: () => string | undefined;
  credentials: RequestCredentials;
  /** The signed-in user: a logout for anyone else is not this page's. */
  sub: string;
  /** This session ended at the OP. The stream has stopped. */
  onLogout: () => void;
  /** The stream cannot tell right now; it keeps trying, except after a 401 (its proof is refused). */
  onUnavailable: (error: AqError) => void;
}

/** Back-off between reconnections: full jitter up to a cap, so that many pages cut off together do not return together. */
const BASE_MS = 1000;
const MAX_MS = 30_000;

/**
 * Keeps the page's logout stream open while a user is signed in: a POSTed `fetch` whose answer is
 * read as Server-Sent Events. Not EventSource: it can send neither a body nor a header, and the
 * ID token must never travel in a URL. Returns the function that stops it.
 */
export function openLogoutStream(o: LogoutStreamOptions): () => void {
  let stopped = false;
  let attempt = 0;
  let reported = false;
  let abort: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  // One report per outage: every failed retry of the same outage would drown the page in errors.
  const report = (why: string, cause?: unknown) => {
    if (reported || stopped) return;
    reported = true;
    o.onUnavailable(new AqError('AQ_LOGOUT_STREAM_UNAVAILABLE', `logout stream ${o.url} ${why}`, { cause }));
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    abort?.abort();
  };

  async function connect(): Promise<void> {
    const controller = (abort = new AbortController());
    // Until "ready" names the server's heartbeat: a stream silent for two of them is dead
    // (a proxy or a sleeping laptop dropped it without a close).
    let silence = 2 * MAX_MS;
    const watch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Error(`no heartbeat for ${silence} ms`)), silence);
    };
    try {
      watch();
      const res = await fetch(o.url, {
        method: 'POST',
        credentials: o.credentials,
        cache: 'no-store',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify((token => token ? { id_token: token } : {})(o.idToken?.())),
        signal: controller.signal,
      });
      // The proof is refused (a session that ended here, an expired ID token): trying again
      // would be refused again, and is no sign-out either.
      if (res.status === 401) return void (report('refused this session (HTTP 401)'), stop());
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        watch();
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const type = /^event: ?(.*)$/m.exec(block)?.[1];
          let data: { heartbeat?: number; available?: boolean; sub?: string } = {};
          try {
            data = JSON.parse(/^data: ?(.*)$/m.exec(block)?.[1] ?? '{}');
          } catch {
            // a heartbeat or a field we do not know
          }
          if (type === 'logout' && data.sub === o.sub) return void (stop(), o.onLogout());
          if (type === 'ready') {
            attempt = 0;
            if (data.heartbeat) silence = Math.ceil(2.5 * data.heartbeat);
            watch();
          }
          if (type === 'unavailable' || (type === 'ready' && data.available === false)) report('cannot hear logouts (its bus is down)');
          else if (type === 'available' || type === 'ready') reported = false;
        }
      }
    } catch (err) {
      if (stopped) return;
      report('failed or went silent', err);
    }
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(connect, Math.random() * Math.min(MAX_MS, BASE_MS * 2 ** attempt++));
  }
  void connect();
  return stop;
}
