import { AqError } from '../errors.js';
import type { AqLogoutReason } from '../events.js';
import { emit } from '../events.js';
import { SessionMonitor } from '../session/session-monitor.js';
import { silentCheck } from '../session/silent-check.js';
import type { Pkce } from './authorize.js';
import { authorizationUrl, createPkce, newTransaction } from './authorize.js';
import { fetchInitParams, handOffResponse } from './backend.js';
import type { CallbackResponse } from './callback.js';
import type { AqClientOptions, AqConfig } from './config.js';
import { resolveConfig } from './config.js';
import type { Discovered } from './discovery.js';
import { discover, discovered } from './discovery.js';
import { endSession, handleLogoutReturn } from './logout.js';
import { openPopup } from './open-popup.js';
import { popupClosed, relayPopupResponse, waitForRelay } from './popup.js';
import { RecordKeeper } from './record-keeper.js';
import { startRedirect, takeRedirectResponse } from './redirect.js';
import type { ValidResponse } from './response.js';
import { validateCodeResponse } from './response.js';
import type { AqProfile, SignedInRecord } from './store.js';
import { exchangeCode, fetchUserinfo } from './token.js';
import type { Transaction } from './transaction.js';
import { dropTransaction, saveTransaction } from './transaction.js';

/** Scopes whose claims the OP may deliver only through userinfo (OIDC Core §5.4), plus Authentiq's. */
function wantsUserinfo(scope: string): boolean {
  return scope.split(' ').some((s) => {
    const name = s.replace(/~[rs]+$/, ''); // Authentiq's required/signed suffixes
    return ['profile', 'email', 'phone', 'address'].includes(name) || name.startsWith('aq:');
  });
}

/** The completion of this page's redirect response, whichever client took it. */
let redirectInFlight: Promise<unknown> = Promise.resolve();

/**
 * The OP's answers to a silent re-check that say it cannot tell right now (RFC 6749 §4.1.2.1);
 * any other error= after "changed" means this user's session there is gone: login_required and
 * its kin (OIDC Core §3.1.2.6), but also what OPs answer when someone else is signed in there now
 * (LemonLDAP::NG and Glewlwyd: invalid_request, their id_token_hint no longer fits).
 */
const OP_CANNOT_TELL = ['server_error', 'temporarily_unavailable'];

/**
 * The issuers of this page's clients, by redirect URI. Where two OPs send their answers to one
 * redirect URI, a hostile one can bounce the user to the other and have that OP's code (with our
 * PKCE verifier) exchanged at its own token endpoint: a mix-up (RFC 9207 §2). Only "iss" in the
 * response tells them apart, so a request made while its redirect URI is shared requires it.
 */
const issuersAt = new Map<string, Map<string, number>>();

function register(config: AqConfig, delta: 1 | -1): void {
  const issuers = issuersAt.get(config.redirectUri) ?? new Map<string, number>();
  const n = (issuers.get(config.issuer.href) ?? 0) + delta;
  if (n > 0) issuers.set(config.issuer.href, n);
  else issuers.delete(config.issuer.href);
  issuersAt.set(config.redirectUri, issuers);
}

/** The logout stream, loaded only by clients with `logoutEventsUrl`, once someone is signed in. */
const logoutStream = () => import('../session/logout-stream.js');

/** Implicit and hybrid checks, loaded only by clients whose response type puts an ID token in the front channel. */
const frontChannel = () => import('./front-channel.js');

export interface SignInOptions {
  /**
   * A window the caller already opened inside the click (e.g. `about:blank` while this module was
   * still loading): the sign-in uses it instead of opening its own popup.
   */
  popup?: Window;
}

export interface SignOutOptions {
  /** Also end the session at the OP (RP-Initiated Logout): the page navigates to the OP and back. */
  endSession?: boolean;
}

/**
 * A framework-free OpenID Connect relying party for one issuer and client. The `<aq-signin>`
 * element is a thin shell around it; an SPA can use it alone.
 *
 * Besides the results of its methods, it dispatches on itself `aq-profile` (signed in, restored,
 * signed in by another tab), `aq-logout` (signed out for any reason) and `aq-error` (failures no
 * call is waiting for, e.g. the session monitor), with the same `detail`s as the element.
 */
export class AqClient extends EventTarget {
  readonly config: AqConfig;
  #records: RecordKeeper;
  #pkce?: Pkce;
  #pkcePending?: Promise<Pkce>;
  #popupSignIn?: { popup: Window; promise: Promise<SignedInRecord | null>; supersede: (next: Promise<SignedInRecord | null>) => void };
  #monitor?: SessionMonitor;
  #stopListening?: () => void;
  // A dropped client may still finish a sign-in it started: the user is stored, nothing is watched.
  #disposed = false;

  /** Throws `AQ_CONFIG_INVALID` naming the first bad option. */
  constructor(options: AqClientOptions) {
    super();
    this.config = resolveConfig(options);
    register(this.config, 1);
    this.#records = new RecordKeeper(this.config, {
      expired: () => this.#signedOut('expired'),
      signedOutElsewhere: () => this.#signedOut('other-tab', false),
      // Another client of this page stored the user: show them here too. (Other tabs find
      // nothing in their own sessionStorage or memory.)
      signedInElsewhere: () => {
        if (!this.#records.record) this.restore();
      },
    });
  }

  get signedIn(): boolean {
    return this.#records.record !== null;
  }
  get profile(): AqProfile | null {
    return this.#records.record?.profile ?? null;
  }
  get idToken(): string | null {
    return this.#records.record?.idToken ?? null;
  }
  get accessToken(): string | null {
    return this.#records.record?.accessToken ?? null;
  }
  get record(): SignedInRecord | null {
    return this.#records.record;
  }

  /**
   * Fetches discovery and JWKS and precomputes PKCE, so that the click opens the OP without
   * waiting and the callback validates without fetching keys. Safe to call often.
   */
  async prefetch(): Promise<void> {
    this.#nextPkce();
    if (this.config.responseType.includes('id_token')) void frontChannel();
    await discover(this.config.issuer);
  }

  #nextPkce(): Promise<Pkce> {
    this.#pkcePending ??= createPkce().then((p) => (this.#pkce = p));
    return this.#pkcePending;
  }

  async #freshPkce(): Promise<Pkce> {
    const pkce = await this.#nextPkce();
    this.#takePkce();
    return pkce;
  }

  #takePkce(): Pkce | undefined {
    const pkce = this.#pkce;
    this.#pkce = this.#pkcePending = undefined;
    this.#nextPkce();
    return pkce;
  }

  #request(d: Discovered, pkce: Pkce, display?: Transaction['display'], extra?: Record<string, string>): { url: string; tx: Transaction } {
    const tx = newTransaction(this.config, pkce.verifier, display);
    if ((issuersAt.get(tx.redirectUri)?.size ?? 0) > 1) tx.requireIss = true;
    const config = extra ? { ...this.config, extraParams: { ...this.config.extraParams, ...extra } } : this.config;
    // max_age may also come from auth-params or an init-url answer: whatever the OP is asked,
    // auth_time is checked against (OIDC Core §3.1.2.1). Both sources refuse a non-number.
    const maxAge = config.extraParams.max_age;
    if (maxAge !== undefined) tx.maxAge = Number(maxAge);
    return { url: authorizationUrl(d.as, config, tx, pkce), tx };
  }

  /**
   * Starts a sign-in. With `display: "popup"` call it inside a click handler: the popup opens
   * before anything is awaited. With `"redirect"` the page navigates to the OP and the promise
   * never settles; the result arrives through `handleRedirectCallback()` on the way back.
   * Resolves with null when `backendUrl` is set and the backend answered without a `profile`.
   * `popup`: a window the caller already opened inside the click (e.g. before this module had
   * loaded); it is navigated to the OP once discovery and PKCE are ready.
   * A call while a popup sign-in is under way focuses its popup and joins it; if that popup reads
   * as closed (perhaps only hidden by a Cross-Origin-Opener-Policy, see popupClosed), the call
   * starts a new sign-in, and the earlier one stops waiting and settles with the new one's result.
   */
  signIn(options: SignInOptions = {}): Promise<SignedInRecord | null> {
    if (this.config.display === 'redirect') {
      options.popup?.close();
      return this.#signInRedirect();
    }
    const previous = this.#popupSignIn;
    if (previous && !previous.popup.closed) {
      if (options.popup !== previous.popup) options.popup?.close();
      previous.popup.focus();
      return previous.promise;
    }
    let popup: Window;
    const d = discovered(this.config.issuer);
    const pkce = d && this.#pkce && !options.popup ? this.#takePkce() : undefined;
    const ready = d && pkce && !this.config.initUrl ? this.#request(d, pkce) : undefined;
    try {
      // Not ready yet (a click right after load, or init-url to ask first): open a blank popup
      // now, inside the click, and navigate it once ready.
      popup = options.popup ?? openPopup(ready?.url ?? 'about:blank');
    } catch (err) {
      return Promise.reject(err);
    }
    let supersede = (_next: Promise<SignedInRecord | null>) => {};
    const superseded = new Promise<{ next: Promise<SignedInRecord | null> }>((resolve) => (supersede = (next) => resolve({ next })));
    const promise = this.#signInPopup(popup, superseded, ready).finally(() => {
      if (this.#popupSignIn?.promise === promise) this.#popupSignIn = undefined;
    });
    previous?.supersede(promise);
    this.#popupSignIn = { popup, promise, supersede };
    return promise;
  }

  async #signInPopup(popup: Window, superseded: Promise<{ next: Promise<SignedInRecord | null> }>, ready?: { url: string; tx: Transaction }): Promise<SignedInRecord | null> {
    let request = ready;
    try {
      if (!request) {
        const [d, pkce, extra] = await Promise.all([discover(this.config.issuer), this.#freshPkce(), this.#initParams()]);
        request = this.#request(d, pkce, undefined, extra);
        popup.location.href = request.url;
      }
    } catch (err) {
      popup.close();
      throw err;
    }
    // Closed before it was sent to the OP: the user's doing, whatever COOP says later.
    if (popup.closed) throw new AqError('AQ_POPUP_CLOSED', 'the sign-in popup was closed before the sign-in finished');
    const tx = request.tx;
    saveTransaction(tx);
    const waiter = waitForRelay(popup, tx.state, popupClosed(popup));
    let answered = false;
    try {
      const answer = await Promise.race([waiter.response, superseded]);
      // Not awaited: this wait ends now (finally), the promise follows the new sign-in.
      if ('next' in answer) return answer.next;
      answered = true;
      return this.#accept(await this.#validate(answer, tx));
    } finally {
      waiter.cancel();
      if (!popup.closed) popup.close();
      // Unanswered, the popup may still be at the OP (hidden by COOP): when it comes back it
      // finds its marker, relays to no one and closes itself, instead of landing on the app as a
      // stray callback (AQ_STATE_INVALID) and staying open.
      if (answered) dropTransaction(tx);
    }
  }

  async #signInRedirect(): Promise<never> {
    const [d, pkce, extra] = await Promise.all([discover(this.config.issuer), this.#freshPkce(), this.#initParams()]);
    const { url, tx } = this.#request(d, pkce, undefined, extra);
    startRedirect(url, tx);
    return new Promise<never>(() => {});
  }

  /**
   * Handles a redirect response in the current URL: resolves with the signed-in record, or null
   * when the URL carries no response for this client. The response is removed from the URL and
   * its state is used up, so a reload or a replayed URL is refused with `AQ_STATE_INVALID`.
   * Also consumes the return from an RP-initiated logout. Call it on every load of the redirect
   * URI page: in the popup of a sign-in (or the hidden frame of a silent re-check) it hands the
   * answer to the page that opened it, closes the popup and resolves with null, so one call
   * serves popup and redirect.
   */
  async handleRedirectCallback(): Promise<SignedInRecord | null> {
    if (relayPopupResponse() || handleLogoutReturn()) return null;
    const taken = takeRedirectResponse((tx) => tx.issuer === this.config.issuer.href && tx.clientId === this.config.clientId);
    if (!taken) {
      // Another client (e.g. the one an element had before its attributes changed) may be
      // finishing this page's response: wait, so that a restore() after this finds the user.
      await redirectInFlight;
      return null;
    }
    const done = this.#validate(taken.response, taken.tx).then((record) => this.#accept(record));
    redirectInFlight = done.catch(() => undefined);
    return done;
  }

  #initParams(): Promise<Record<string, string> | undefined> {
    return this.config.initUrl ? fetchInitParams(this.config.initUrl, this.config.redirectUri) : Promise.resolve(undefined);
  }

  #accept(record: SignedInRecord | null): SignedInRecord | null {
    return record && this.#signedIn(record);
  }

  /**
   * Validates an authorization response for `tx`, for every response type: the response and any
   * front-channel ID token (implicit, hybrid), then the code exchange (or, with `backendUrl`, the
   * hand-off to the page's backend) and userinfo; stores nothing.
   */
  async #validate({ params, from }: CallbackResponse, tx: Transaction): Promise<SignedInRecord | null> {
    // The answer must come the way it was asked for (Multiple Response Types §5): tokens never in
    // the query, where servers log them and Referer carries them; form_post reaches the page in
    // the fragment of createFormPostHandler's 303.
    const mode = tx.responseMode ?? (tx.responseType === 'code' ? 'query' : 'fragment');
    if (from !== (mode === 'query' ? 'query' : 'fragment')) {
      throw new AqError('AQ_RESPONSE_INVALID', `authorization response refused: it came in the ${from}, but response_mode is "${mode}"`);
    }
    const d = await discover(this.config.issuer);
    const { backendUrl } = this.config;
    const front: ValidResponse =
      tx.responseType.includes('id_token') && params.has('id_token')
        ? await (await frontChannel()).validateFrontChannel(d, this.config, params, tx)
        : validateCodeResponse(d, this.config, params, tx);
    let { claims, idToken, accessToken } = front;
    if (front.code && backendUrl) return handOffResponse(backendUrl, params, tx, claims, (answer) => emit(this, 'aq-backend', answer));
    if (front.callback && front.code) {
      const tokens = await exchangeCode(d, this.config, front.callback, tx);
      // OIDC Core §3.3.3.6: both ID tokens of a hybrid flow must be about the same user.
      if (claims && (tokens.claims.sub !== claims.sub || tokens.claims.iss !== claims.iss)) {
        throw new AqError('AQ_ID_TOKEN_INVALID', `ID token rejected: the token endpoint's "sub" "${tokens.claims.sub}" differs from the authorization response's "${claims.sub}"`);
      }
      ({ claims, idToken } = tokens);
      accessToken = tokens.accessToken ?? accessToken;
    }
    let profile = { ...claims! } as AqProfile;
    if (accessToken && d.as.userinfo_endpoint && wantsUserinfo(this.config.scope)) {
      profile = { ...profile, ...(await fetchUserinfo(d, this.config, accessToken, profile.sub)), sub: profile.sub };
    }
    return {
      profile,
      idToken: idToken!,
      accessToken,
      expiresAt: claims!.exp,
      sessionState: params.get('session_state') ?? undefined,
    };
  }

  /** Takes a validated record as the signed-in user: stores it, watches it, tells listeners and tabs. */
  #signedIn(record: SignedInRecord, announce = true): SignedInRecord {
    this.#records.keep(record, announce, !this.#disposed);
    void this.#watch(record);
    if (announce) emit(this, 'aq-profile', { profile: record.profile });
    return record;
  }

  #signedOut(reason: AqLogoutReason, tellTabs = true): void {
    this.#unwatch();
    if (this.#records.drop(tellTabs)) emit(this, 'aq-logout', { reason });
  }

  #unwatch(): void {
    this.#monitor?.stop();
    this.#monitor = undefined;
    this.#stopListening?.();
    this.#stopListening = undefined;
  }

  /**
   * Opens the backend's logout stream for this user (beside the session iframe: whichever hears
   * first signs out). The ID token is the proof of a browser-only sign-in; after `backendUrl` the
   * backend's own session cookie is, and the token is not sent.
   */
  #listen(record: SignedInRecord): void {
    const url = this.config.logoutEventsUrl;
    if (!url || this.#disposed) return;
    let stop: (() => void) | undefined;
    let stopped = false;
    this.#stopListening = () => {
      stopped = true;
      stop?.();
    };
    const unavailable = (error: AqError) => emit(this, 'aq-error', { error });
    logoutStream().then(({ openLogoutStream }) => {
      if (stopped) return;
      stop = openLogoutStream({
        url,
        idToken: this.config.backendUrl ? undefined : record.idToken || undefined,
        // Cookies go only where the configuration allowed the backend to be (config.ts).
        credentials: new URL(url).origin === location.origin ? 'same-origin' : 'include',
        sub: record.profile.sub,
        onLogout: () => this.#signedOut('remote'),
        onUnavailable: unavailable,
      });
    }, (cause) => unavailable(new AqError('AQ_LOGOUT_STREAM_UNAVAILABLE', 'the logout stream code could not be loaded', { cause })));
  }

  /** Starts OIDC Session Management for the signed-in user when the OP and the response allow it. */
  async #watch(record: SignedInRecord): Promise<void> {
    this.#unwatch();
    this.#listen(record);
    const d = await discover(this.config.issuer).catch(() => undefined);
    const iframe = d?.as.check_session_iframe;
    if (!iframe || !record.sessionState || this.config.sessionInterval === 0 || this.#records.record !== record || this.#disposed) return;
    warnIfThirdParty(iframe);
    this.#monitor = new SessionMonitor({
      checkSessionIframe: iframe,
      clientId: this.config.clientId,
      sessionState: record.sessionState,
      interval: this.config.sessionInterval,
      onChanged: () => this.#recheck(),
      onUnavailable: (error) => emit(this, 'aq-error', { error }),
    });
    this.#monitor.start();
  }

  /**
   * The OP says the session changed: ask it silently (prompt=none in a hidden iframe, with the ID
   * token as hint). Same user: keep them, with the new session_state and profile. Nobody or
   * someone else: sign out with reason "remote". Resolves with the session_state to watch next,
   * or null when monitoring ends.
   */
  async #recheck(): Promise<string | null> {
    const before = this.#records.record;
    if (!before) return null;
    let next: SignedInRecord | null;
    try {
      const [d, pkce] = await Promise.all([discover(this.config.issuer), this.#freshPkce()]);
      const { url, tx } = this.#request(d, pkce, 'iframe', { prompt: 'none', id_token_hint: before.idToken });
      next = await silentCheck(url, tx, this.config.redirectUri, (response) => this.#validate(response, tx));
      if (!next) throw new AqError('AQ_SESSION_CHECK_UNAVAILABLE', 'the backend answered the silent re-check without a profile');
    } catch (err) {
      const answer = err instanceof AqError && err.code === 'AQ_AUTHORIZATION_ERROR' ? err : undefined;
      if (answer && !OP_CANNOT_TELL.includes(answer.error ?? '')) {
        this.#signedOut('remote');
      } else {
        // Not knowing is not a sign-out: report it, as what it is for the page, and stop watching.
        const why = err instanceof Error ? err.message : String(err);
        const error = err instanceof AqError && err.code === 'AQ_SESSION_CHECK_UNAVAILABLE'
          ? err
          : new AqError('AQ_SESSION_CHECK_UNAVAILABLE', `the silent session re-check failed: ${why}`, { cause: err, error: answer?.error, errorDescription: answer?.errorDescription });
        emit(this, 'aq-error', { error });
      }
      return null;
    }
    if (this.#records.record !== before) return null;
    if (next.profile.sub !== before.profile.sub) {
      this.#signedOut('remote');
      return null;
    }
    // Same user, new OP session: keep watching it without telling the page anything happened.
    this.#records.keep(next, false, !this.#disposed);
    return next.sessionState ?? null;
  }

  /**
   * Brings back the signed-in user from storage, dispatching `aq-profile`; or, when the stored ID
   * token has expired, removes it and dispatches `aq-logout` with reason "expired". Returns the
   * restored record or null.
   */
  restore(): SignedInRecord | null {
    const record = this.#records.load();
    if (!record) return null;
    if (record === 'expired') {
      emit(this, 'aq-logout', { reason: 'expired' });
      return null;
    }
    this.#signedIn(record, false);
    emit(this, 'aq-profile', { profile: record.profile });
    return record;
  }

  /**
   * Signs out locally (dispatching `aq-logout` with reason "user") and tells the app's other tabs.
   * With `endSession`, the page then navigates to the OP's end_session_endpoint and back.
   */
  async signOut(options: SignOutOptions = {}): Promise<void> {
    const idToken = this.#records.record?.idToken;
    this.#signedOut('user');
    if (!options.endSession || !idToken) return;
    const d = await discover(this.config.issuer);
    if (!d.as.end_session_endpoint) {
      throw new AqError('AQ_CONFIG_INVALID', `"end-session" is set but the OP at ${this.config.issuer.href} has no end_session_endpoint`);
    }
    endSession(d.as.end_session_endpoint, idToken, this.config.redirectUri, this.config.clientId);
  }

  /** Stops watching the session and listening to other tabs; the stored user stays. */
  dispose(): void {
    if (!this.#disposed) register(this.config, -1);
    this.#disposed = true;
    this.#unwatch();
    this.#records.close();
  }
}

let warned = false;
/** Browsers that block third-party cookies blind the OP's iframe when the OP is on another site. */
function warnIfThirdParty(iframe: string): void {
  const op = new URL(iframe).hostname.split('.').slice(-2).join('.');
  const rp = location.hostname.split('.').slice(-2).join('.');
  if (warned || op === rp) return;
  warned = true;
  console.info(`aq-signin: the OP ${new URL(iframe).origin} is on another site; where third-party cookies are blocked, session monitoring stops (AQ_SESSION_CHECK_UNAVAILABLE) and the user stays signed in.`);
}

/** Creates a client; throws `AQ_CONFIG_INVALID` on bad options. */
export function createClient(options: AqClientOptions): AqClient {
  return new AqClient(options);
}
