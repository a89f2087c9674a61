// The demo backend: the page's own server for `backend-url` and `init-url`, built on
// aq-signin/server. It runs inside the Vite dev server of `npm run demo` (same origin as the demo
// pages, so its session cookie is a plain first-party cookie), loading the TypeScript helpers with
// `server.ssrLoadModule`. `startBackend` runs it alone on its own port (tests, experiments).
//
// Routes (JSON unless noted):
//   POST /api/auth/init            -> { token }   Authsignal-style init-auth, through the OP's /init-auth.
//                                    Query: user (default "alice"), action (default "signIn"),
//                                    simulate (CHALLENGE_SUCCEEDED | CHALLENGE_FAILED | ALLOW | BLOCK).
//   POST /api/auth/code            client authsignal-demo (client_secret_basic): code hand-off; 200
//                                    { profile, action, action_state } + session cookie when the
//                                    access token's action_state allows, else 403 { error: "access_denied", action_state }.
//   POST /api/plain/code           client demo-backend (client_secret_post): code hand-off; 200 { profile } + session cookie.
//   POST /api/backchannel-logout   OpenID Back-Channel Logout (form `logout_token`); `?client_id=` picks the client.
//   GET  /api/session              { active: true, sub, client_id, profile, ... } or { active: false, ended? }.
//   POST /api/logout               ends the backend session here (not at the OP).
//   GET  /api/me                   the protected API (./api.js): the access token's claims, Bearer or DPoP.
//   POST /api/logout-events        the page's logout stream (Server-Sent Events; session cookie or
//                                    { id_token } of the public client `demo`); see ./logout-push.js.
// With `redisUrl` (REDIS_URL under `npm run demo`) the logout bus and the back-channel replay
// store are in Redis, so that several instances of this backend share them.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AUTHSIGNAL_CLIENT, BACKEND_CLIENT, CLIENT_ID } from '../op/provider.js';
import { createApi } from './api.js';
import { createLogoutPush } from './logout-push.js';

export const SESSION_COOKIE = 'aq_demo_session';
const root = fileURLToPath(new URL('../..', import.meta.url));

function cookieValue(request, name) {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

const jsonResponse = (status, body, headers = {}) => new Response(JSON.stringify(body), {
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
});

/**
 * The backend's routes as one `Request -> Response | null` function (null: not a backend route).
 * @param {typeof import('../../src/server/index.ts')} server the aq-signin/server module
 * @param {{ issuer: string, rpOrigins?: string[], log?: boolean, apiIssuers?: import('./api.js').ApiIssuer[], redisUrl?: string }} options
 *   `apiIssuers`: whose access tokens /api/me takes (default: the dev OP's, for the `demo` client)
 */
export function createBackend(server, { issuer, rpOrigins = [], log = false, apiIssuers = [{ issuer, audience: CLIENT_ID }], redisUrl }) {
  const say = (...args) => { if (log) console.log('[backend]', ...args); };
  /** Backend sessions by cookie value; ended ones are remembered so the page can learn why. */
  const sessions = new Map();
  const ended = new Map();

  // The page and this backend share an origin under `npm run demo`; a standalone backend is told
  // the page origins. request.url's origin is not the Host header as sent: the Node adapter builds
  // it on `origin` when given, else only on a loopback Host (421 for any other), so a forged Host
  // cannot make a foreign redirect_uri look same-origin here.
  const allowedRedirectUris = (uri, request) => {
    const origin = new URL(uri).origin;
    return origin === new URL(request.url).origin || rpOrigins.includes(origin);
  };

  function startSession(clientId, result, extra = {}) {
    const id = randomBytes(24).toString('base64url');
    sessions.set(id, { client_id: clientId, sub: result.claims.sub, sid: result.claims.sid, since: new Date().toISOString(), profile: result.profile, ...extra });
    say(`session started for ${result.claims.sub} (${clientId}, sid ${result.claims.sid})`);
    return `${SESSION_COOKIE}=${id}; Path=/api; HttpOnly; SameSite=Lax`;
  }

  const plainCode = server.createCodeHandler({
    issuer,
    clientId: BACKEND_CLIENT.id,
    clientSecret: BACKEND_CLIENT.secret,
    clientAuth: BACKEND_CLIENT.auth,
    allowedRedirectUris,
    onSignIn: (result) => jsonResponse(200, { profile: result.profile }, { 'set-cookie': startSession(BACKEND_CLIENT.id, result) }),
  });

  const authsignalCode = server.createCodeHandler({
    issuer,
    clientId: AUTHSIGNAL_CLIENT.id,
    clientSecret: AUTHSIGNAL_CLIENT.secret,
    clientAuth: AUTHSIGNAL_CLIENT.auth,
    allowedRedirectUris,
    onSignIn: async (result) => {
      // The OP signs this access token: its action_state is trusted only once verified, and only
      // as the outcome of this route's action for the user the ID token names. It comes straight
      // from this code exchange, so the code's single use makes its use single too.
      let decision;
      try {
        decision = await server.verifyActionState(result.tokens.access_token, {
          issuer, audience: AUTHSIGNAL_CLIENT.id, expectedAction: 'signIn', subject: result.claims.sub, maxTokenAge: 300,
        });
      } catch (err) {
        if (!(err instanceof server.AqServerError) || err.code !== 'invalid_token') throw err;
        say(`access token refused: ${err.message}`);
        return jsonResponse(403, { error: 'access_denied', error_description: err.message });
      }
      say(`action ${decision.action}: ${decision.state} -> ${decision.allow ? 'allow' : 'deny'}`);
      if (!decision.allow) {
        return jsonResponse(403, {
          error: 'access_denied',
          error_description: `action "${decision.action}" ended with action_state ${decision.state ?? '(none)'}`,
          action: decision.action,
          action_state: decision.state,
        });
      }
      const cookie = startSession(AUTHSIGNAL_CLIENT.id, result, { action: decision.action, action_state: decision.state });
      return jsonResponse(200, { profile: result.profile, action: decision.action, action_state: decision.state }, { 'set-cookie': cookie });
    },
  });

  // sid names one OP session; without it every session of the user ends. Run on every instance
  // for a logout any of them heard (the logout bus), so clientId is only known for the log.
  const endSessions = ({ sub, sid }) => {
    for (const [id, s] of sessions) {
      if (sid ? s.sid === sid && (!sub || s.sub === sub) : s.sub === sub) {
        sessions.delete(id);
        ended.set(id, { reason: 'backchannel-logout', at: new Date().toISOString() });
        say(`session of ${s.sub} (${s.client_id}, sid ${s.sid}) ended by a back-channel logout`);
      }
    }
  };
  const push = createLogoutPush(server, {
    issuer,
    redisUrl,
    say,
    endSessions,
    identify: (request) => sessions.get(cookieValue(request, SESSION_COOKIE)) ?? null,
  });
  // With Redis, DPoP proofs replayed to another instance are refused too.
  const api = createApi(server, { issuers: apiIssuers, log: say, replayStore: push.replayStore });
  const onLogout = (clientId) => ({ sub, sid }) => say(`back-channel logout for ${clientId} sub=${sub} sid=${sid}`);
  // The bus ends the sessions (here and on every other instance) and tells the pages' streams.
  const backchannel = Object.fromEntries([BACKEND_CLIENT.id, AUTHSIGNAL_CLIENT.id, CLIENT_ID].map((clientId) => [
    clientId,
    server.createBackchannelLogoutHandler({ issuer, clientId, onLogout: onLogout(clientId), logoutBus: push.bus, replayStore: push.replayStore }),
  ]));

  const formPost = Object.fromEntries(['/', '/redirect.html', '/e2e/pages/signin.html'].map((page) => [page, server.createFormPostHandler({ returnTo: page })]));

  async function init(request, url) {
    if (request.method !== 'POST') return jsonResponse(405, { error: 'invalid_request', error_description: 'use POST' }, { allow: 'POST' });
    const body = {
      userId: url.searchParams.get('user') || 'alice',
      action: url.searchParams.get('action') || 'signIn',
      simulate: url.searchParams.get('simulate') || 'CHALLENGE_SUCCEEDED',
    };
    let answer;
    try {
      answer = await fetch(`${issuer}/init-auth`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(AUTHSIGNAL_CLIENT.id)}:${encodeURIComponent(AUTHSIGNAL_CLIENT.secret)}`).toString('base64')}`,
        },
        body: JSON.stringify(body),
      });
    } catch (err) {
      return jsonResponse(502, { error: 'init_failed', error_description: `the OP could not be reached: ${err.message}` });
    }
    const result = await answer.json().catch(() => ({}));
    if (!answer.ok || typeof result.token !== 'string') {
      return jsonResponse(answer.ok ? 502 : answer.status, { error: result.error ?? 'init_failed', error_description: result.error_description ?? `OP answered ${answer.status}` });
    }
    say(`init-auth for ${body.userId} (${body.action}, ${body.simulate})`);
    // Only the token goes to the browser: it becomes the authorization request's `token`.
    return jsonResponse(200, { token: result.token });
  }

  function session(request) {
    const id = cookieValue(request, SESSION_COOKIE);
    const s = id && sessions.get(id);
    if (s) return jsonResponse(200, { active: true, ...s });
    const gone = id && ended.get(id);
    return jsonResponse(200, { active: false, ...(gone ? { ended: gone.reason, at: gone.at } : {}) });
  }

  function logout(request) {
    if (request.method !== 'POST') return jsonResponse(405, { error: 'invalid_request', error_description: 'use POST' }, { allow: 'POST' });
    const id = cookieValue(request, SESSION_COOKIE);
    if (id && sessions.delete(id)) ended.set(id, { reason: 'logout', at: new Date().toISOString() });
    return jsonResponse(200, { active: false }, { 'set-cookie': `${SESSION_COOKIE}=; Path=/api; HttpOnly; SameSite=Lax; Max-Age=0` });
  }

  /** @param {Request} request */
  async function handle(request) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/api/auth/init': return init(request, url);
      case '/api/auth/code': return authsignalCode(request);
      case '/api/plain/code': return plainCode(request);
      // response-mode="form_post": the OP posts here; ?return= picks one of a fixed list of pages
      // (the demo and the e2e suite share this backend), never a page taken as given.
      case '/api/auth/form-post': {
        const handler = formPost[url.searchParams.get('return') ?? '/'];
        return handler ? handler(request) : jsonResponse(400, { error: 'invalid_request', error_description: 'unknown return page' });
      }
      case '/api/backchannel-logout': {
        const handler = backchannel[url.searchParams.get('client_id') ?? BACKEND_CLIENT.id];
        return handler ? handler(request) : jsonResponse(400, { error: 'invalid_request', error_description: 'unknown client_id' });
      }
      case '/api/logout-events': return push.stream(request);
      case '/api/session': return session(request);
      case '/api/logout': return logout(request);
      case '/api/me': return api(request);
      default: return null;
    }
  }

  return { handle, sessions, close: push.close };
}

/**
 * The demo backend as Connect middleware of a Vite dev server: `/api/*` is answered here, the rest
 * goes on. The TypeScript helpers are loaded through `vite.ssrLoadModule` at the first request.
 * @param {import('vite').ViteDevServer} vite
 * @param {{ issuer: string, rpOrigins?: string[], log?: boolean, origin?: string, redisUrl?: string }} options `origin`: the
 *   public origin of the pages and backend (default: the request's Host, loopback hosts only)
 */
export function backendMiddleware(vite, options) {
  let ready;
  const load = async () => {
    const server = await vite.ssrLoadModule('/src/server/index.ts');
    const { toNodeHandler } = await vite.ssrLoadModule('/src/server/node.ts');
    const backend = createBackend(server, options);
    const node = toNodeHandler(async (request) => (await backend.handle(request))
      ?? jsonResponse(404, { error: 'not_found', error_description: `no backend route ${new URL(request.url).pathname}` }),
    options.origin ? { origin: options.origin } : {});
    return { backend, node };
  };
  const middleware = (req, res, next) => {
    if (!req.url?.startsWith('/api/')) return next();
    ready ??= load().catch((err) => {
      ready = undefined;
      throw err;
    });
    ready.then(({ node }) => node(req, res, next), next);
  };
  middleware.backend = () => (ready ??= load()).then(({ backend }) => backend);
  return middleware;
}

/**
 * A Vite plugin that serves the demo backend from the dev server (`plugins: [demoBackend({ issuer })]`).
 * Its middleware comes before Vite's own, so `/api/*` never reaches the page fallback.
 * @param {{ issuer: string, rpOrigins?: string[], log?: boolean }} options
 * @returns {import('vite').Plugin}
 */
export function demoBackend(options) {
  return {
    name: 'aq-demo-backend',
    configureServer(vite) {
      vite.middlewares.use(backendMiddleware(vite, options));
    },
  };
}

/**
 * Mounts the demo backend on an already created Vite dev server, in front of Vite's own
 * middleware (Connect runs its stack in order; Vite's page fallback would answer /api/* with 404).
 * Prefer the `demoBackend` plugin when you create the server.
 * @param {import('vite').ViteDevServer} vite
 * @param {{ issuer: string, rpOrigins?: string[], log?: boolean }} options
 */
export async function installBackend(vite, options) {
  const middleware = backendMiddleware(vite, options);
  vite.middlewares.stack.unshift({ route: '', handle: middleware });
  return middleware.backend();
}

/**
 * The demo backend alone on `http://localhost:${port}` (no pages). It loads the TypeScript helpers
 * through a Vite server in middleware mode that never listens.
 * @param {{ port?: number, issuer: string, rpOrigins?: string[], log?: boolean }} options
 * @returns {Promise<{ url: string, close: () => Promise<void>, sessions: Map<string, object> }>}
 */
export async function startBackend({ port = 5180, ...options }) {
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: false, root, appType: 'custom', logLevel: 'warn', server: { middlewareMode: true, hmr: false, ws: false },
  });
  let backend;
  try {
    backend = await installBackend(vite, options);
  } catch (err) {
    await vite.close();
    throw err;
  }
  const httpServer = http.createServer(vite.middlewares);
  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, '127.0.0.1', () => { httpServer.off('error', reject); resolve(); });
  });
  return {
    url: `http://localhost:${port}`,
    sessions: backend.sessions,
    close: async () => {
      await new Promise((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await vite.close();
      await backend.close();
    },
  };
}
