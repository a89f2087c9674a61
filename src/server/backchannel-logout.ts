import type { JWTPayload } from 'jose';
import { jwtVerify } from 'jose';
import { CLOCK_TOLERANCE, checkAlgorithms } from './algorithms.js';
import { AqServerError, describe } from './errors.js';
import { empty, errorResponse, readForm, requirePost } from './http.js';
import { loadIssuer, parseIssuer } from './issuer.js';
import type { LogoutBus } from './logout-bus.js';
import type { ReplayStore } from './replay-store.js';
import { memoryReplayStore } from './replay-store.js';

/** The OpenID Back-Channel Logout 1.0 §2.4 event member a logout token must carry. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Whom to sign out: the OP's End-User (`sub`), or one OP session (`sid`), or both. */
export interface LogoutEvent {
  sub?: string;
  sid?: string;
  /** Every claim of the validated logout token. */
  claims: JWTPayload;
}

export interface BackchannelLogoutOptions {
  /** The OP's issuer URL; its JWKS (from discovery) checks the logout token's signature. */
  issuer: string;
  /** This RP's client_id: the logout token's `aud` must contain it. */
  clientId: string;
  /**
   * Ends the app's sessions for `sub` and/or `sid`. Resolve once done: the OP learns of the
   * success from the 200. A throw answers 400, as the spec asks for a logout that failed.
   */
  onLogout: (event: LogoutEvent, request: Request) => Promise<void> | void;
  /** Accepted signature algorithms; asymmetric only. Default: RS*, PS*, ES*, EdDSA. */
  algorithms?: readonly string[];
  /** A logout token whose `iat` is older than this many seconds is refused. Default 300. */
  maxTokenAge?: number;
  /**
   * Where seen `jti`s are remembered. Default: in this process (`memoryReplayStore()`); give
   * every instance of the backend one shared store so that a replay to another instance fails.
   */
  replayStore?: ReplayStore;
  /**
   * Where the logout is published after `onLogout`, as `{ iss, sub?, sid? }`, for the pages'
   * logout streams (`createLogoutStreamHandler` with the same bus). A publish that fails answers
   * 503 (`server_error`): the backend's session has ended, but open pages were not told.
   */
  logoutBus?: LogoutBus;
}

function invalid(message: string, cause?: unknown): AqServerError {
  return new AqServerError('invalid_request', message, { cause });
}

/**
 * A `Request -> Response` handler for an OpenID Back-Channel Logout 1.0 `backchannel_logout_uri`:
 * POST `application/x-www-form-urlencoded` with `logout_token`. The logout token is validated
 * per §2.6 (signature against the OP's JWKS with an asymmetric alg, iss, aud, iat, exp when
 * present, the back-channel `events` member as an object, no `nonce`, `sub` or `sid`, a `jti`
 * not seen before); then `onLogout({ sub, sid })` runs and the answer is 200. Otherwise 400
 * `{ error: "invalid_request", error_description }`. Every answer is `Cache-Control: no-store`.
 *
 * Replays: seen `jti`s are remembered in `replayStore` until the token could no longer pass
 * anyway: `exp` when the OP sets it (the spec makes it optional), never later than `iat` +
 * `maxTokenAge`. The default store lives in this process: a token replayed to another instance,
 * or after a restart, runs `onLogout` again unless the instances share a store. A store that
 * cannot answer makes the handler answer 503 (`server_error`), never accept.
 */
export function createBackchannelLogoutHandler(options: BackchannelLogoutOptions): (request: Request) => Promise<Response> {
  const issuer = parseIssuer(options.issuer);
  if (typeof options.clientId !== 'string' || !options.clientId) throw new TypeError('"clientId" is required');
  if (typeof options.onLogout !== 'function') throw new TypeError('"onLogout" must be a function');
  const algorithms = checkAlgorithms(options.algorithms);
  const maxTokenAge = options.maxTokenAge ?? 300;
  const replay = options.replayStore ?? memoryReplayStore();

  async function validate(logoutToken: string): Promise<JWTPayload> {
    const ctx = await loadIssuer(issuer);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(logoutToken, ctx.keys, {
        algorithms,
        // The discovered issuer: the configured one, as discovery refused any other.
        issuer: ctx.as.issuer,
        audience: options.clientId,
        requiredClaims: ['iat'],
        maxTokenAge,
        clockTolerance: CLOCK_TOLERANCE,
      }));
    } catch (err) {
      throw invalid(`logout token rejected: ${describe(err)}`, err);
    }
    const events = payload.events;
    // §2.4: the event's value is a JSON object; anything else (or another event) is not a logout token.
    const event = typeof events === 'object' && events !== null && !Array.isArray(events)
      ? (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT]
      : undefined;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw invalid(`logout token "events" must contain "${BACKCHANNEL_LOGOUT_EVENT}" with an object value`);
    }
    // §2.4: nonce is forbidden, so that an ID token can never pass as a logout token.
    if ('nonce' in payload) throw invalid('logout token must not contain "nonce"');
    const { sub, sid } = payload as { sub?: unknown; sid?: unknown };
    if (sub !== undefined && (typeof sub !== 'string' || !sub)) throw invalid('logout token "sub" must be a non-empty string');
    if (sid !== undefined && (typeof sid !== 'string' || !sid)) throw invalid('logout token "sid" must be a non-empty string');
    if (sub === undefined && sid === undefined) throw invalid('logout token must contain "sub" or "sid"');
    if (typeof payload.jti !== 'string' || !payload.jti) throw invalid('logout token must contain "jti"');
    // Replays are refused while the token could still pass the iat/exp checks above.
    const until = Math.min(payload.exp ?? Infinity, payload.iat! + maxTokenAge) * 1000 + CLOCK_TOLERANCE * 1000;
    let first: boolean;
    try {
      first = await replay.claim(`${payload.iss} ${payload.jti}`, until);
    } catch (err) {
      // Not knowing whether it is a replay is not a yes: 503 lets the OP send it again later.
      throw new AqServerError('server_error', `logout token "jti" could not be checked: ${describe(err)}`, { cause: err, status: 503 });
    }
    if (!first) throw invalid('logout token was already used ("jti" replayed)');
    return payload;
  }

  async function logout(request: Request): Promise<Response> {
    requirePost(request);
    const form = await readForm(request);
    const tokens = form.getAll('logout_token');
    if (tokens.length !== 1 || !tokens[0]) throw invalid('exactly one "logout_token" is required');
    const claims = await validate(tokens[0]);
    const event: LogoutEvent = { claims };
    if (typeof claims.sub === 'string') event.sub = claims.sub;
    if (typeof claims.sid === 'string') event.sid = claims.sid;
    try {
      await options.onLogout(event, request);
    } catch (err) {
      // §2.8: a logout that failed is answered 400 too.
      throw invalid('the logout could not be completed', err);
    }
    if (options.logoutBus) {
      const ended = { iss: claims.iss!, ...(event.sub ? { sub: event.sub } : {}), ...(event.sid ? { sid: event.sid } : {}) };
      try {
        await options.logoutBus.publish(ended);
      } catch (err) {
        throw new AqServerError('server_error', 'the logout was done here but could not be pushed to open pages: the logout bus did not answer', { cause: err, status: 503 });
      }
    }
    return empty(200);
  }

  return async (request) => {
    try {
      return await logout(request);
    } catch (err) {
      // Discovery failures are ours, not the caller's: 502 lets the OP retry later.
      const e = err instanceof AqServerError ? err : invalid(describe(err), err);
      return errorResponse(e);
    }
  };
}
