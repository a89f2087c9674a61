import type { DPoPHandle } from 'oauth4webapi';
import { AqError } from '../errors.js';
import type { AqLogoutReason } from '../events.js';
import { emit } from '../events.js';
import { SessionMonitor } from '../session/session-monitor.js';
import { silentCheck } from '../session/silent-check.js';
import type { Pkce } from './authorize.js';
import { authorizationUrl, createPkce, newTransaction } from './authorize.js';
import type { CallbackResponse } from './callback.js';
import type { AqClientOptions, AqConfig } from './config.js';
import { extraParamsOf, resolveConfig } from './config.js';
import type { Discovered } from './discovery.js';
import { discover, discovered } from './discovery.js';
import { dpopFor, dropDpopKey } from './dpop.js';
import { lazyPart } from './lazy-part.js';
import { endSession, handleLogoutReturn } from './logout.js';
import { openPopup } from './open-popup.js';
import type { Pushed, PushedAhead } from './par.js';
import { popupClosed, relayPopupResponse, waitForRelay } from './popup.js';
import { RecordKeeper } from './record-keeper.js';
import { startRedirect, takeRedirectResponse } from './redirect.js';
import type { ValidResponse } from './response.js';
import { validateCodeResponse } from './response.js';
import type { AqProfile, SignedInRecord } from './store.js';
import { exchangeCode, fetchUserinfo, revoke } from './token.js';
import type { Transaction } from './transaction.js';
import { dropTransaction, saveTransaction } from './transaction.js';
import type { Renewer } from '../tokens/renewer.js';
import { renewalDue } from '../tokens/timing.js';

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
 * The configurations of this page's clients. Where two OPs send their answers to one redirect URI,
 * a hostile one can bounce the user to the other and have that OP's code (with our PKCE verifier)
 * exchanged at its own token endpoint: a mix-up (RFC 9207 §2). Only "iss" in the response tells
 * them apart, so a request made while its redirect URI is shared requires it.
 */
const clientConfigs = new Set<AqConfig>();

/** The logout stream, loaded only by clients with `logoutEventsUrl`, once someone is signed in. */
const logoutStream = () => import('../session/logout-stream.js');

/** Implicit and hybrid checks, loaded only by clients whose response type puts an ID token in the front channel. */
const frontChannel = lazyPart('implicit and hybrid checks', () => import('./front-channel.js'));
/**
 * Token renewal and the API fetch (src/tokens), loaded only by a page whose user has a refresh
 * token, whose ID token nears its expiry, or that asks for a token: most sign-in buttons never do.
 */
const tokens = lazyPart('token renewal', () => import('../tokens/index.js'));

/**
 * init-url and the backend-url hand-off, loaded only by clients with one of them. Neither is on the
 * way to window.open: init-url is asked after the popup has opened (blank), the hand-off after the
 * OP answered.
 */
const backend = lazyPart('backend hand-off', () => import('./backend.js'));

/** Pushed authorization requests (RFC 9126), loaded only by clients that use them. */
const par = lazyPart('pushed authorization request', () => import('./par.js'));

/** RFC 9126 §5: the OP may require every request pushed; the page may ask for it anyway. */
const usesPar = (config: AqConfig, d: Discovered) => config.par || d.as.require_pushed_authorization_requests === true;

type Request = { url: string; tx: Transaction };

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
  /** The DPoP key's thumbprint, sent as dpop_jkt (RFC 9449 §10): computed ahead, as the click cannot wait. */
  #jkt?: string;
  /** With PAR: a request pushed ahead of the click. */
  #ahead?: PushedAhead;
  #monitor?: SessionMonitor;
  #renewer?: Promise<Renewer>;
  #renewTimer?: ReturnType<typeof setTimeout>;
  #stopListening?: () => void;
  // A dropped client may still finish a sign-in it started: the user is stored, nothing is watched.
  #disposed = false;

  /** Throws `AQ_CONFIG_INVALID` naming the first bad option. */
  constructor(options: AqClientOptions) {
    super();
    this.config = resolveConfig(options);
    clientConfigs.add(this.config);
    this.#records = new RecordKeeper(this.config, {
      expired: () => this.#signedOut('expired'),
      signedOutElsewhere: () => this.#signedOut('other-tab', false),
      // Another client of this page stored the user: show them here too. (Other tabs find
      // nothing in their own sessionStorage or memory.)
      signedInElsewhere: () => {
        if (!this.#records.record) this.restore();
      },
      // storage "local": another tab renewed the tokens of the user shown here.
      renewedElsewhere: () => {
        const now = this.#records.record;
        const stored = this.#records.peek();
        if (now && stored && stored.profile.sub === now.profile.sub && stored.accessToken !== now.accessToken) this.#renewed(stored);
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
    // Warm-ups: the call that needs the chunk reports a failure to load it.
    if (this.config.responseType.includes('id_token')) frontChannel().catch(() => {});
    if (this.config.initUrl || this.config.backendUrl) backend().catch(() => {});
    const d = await discover(this.config.issuer);
    this.#jkt = await (await dpopFor(this.config, d.as))?.calculateThumbprint();
    if (!usesPar(this.config, d) || this.config.initUrl || this.#disposed) return;
    if (this.#ahead) return this.#ahead.renew();
    const { PushedAhead } = await par();
    this.#ahead ??= new PushedAhead(async () => this.#pushed(d, this.#request(d, await this.#freshPkce())), () => !this.signedIn && !this.#disposed);
    this.#ahead.renew();
  }

  /**
   * A new request, pushed to the OP first (RFC 9126) when it requires that or the page asks: a
   * sign-in's, with what init-url answers, or with `silent`'s parameters a hidden re-check's.
   */
  async #newRequest(silent?: Record<string, string>): Promise<Request> {
    const [d, pkce, extra] = await Promise.all([discover(this.config.issuer), this.#freshPkce(), silent ?? this.#initParams()]);
    const request = this.#request(d, pkce, silent && 'iframe', extra);
    return usesPar(this.config, d) ? this.#pushed(d, request) : request;
  }

  async #pushed(d: Discovered, request: Request): Promise<Pushed> {
    const [{ pushRequest }, dpop] = await Promise.all([par(), dpopFor(this.config, d.as)]);
    return pushRequest(d, this.config, request, dpop);
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

  #request(d: Discovered, pkce: Pkce, display?: Transaction['display'], extra?: Record<string, string>): Request {
    const tx = newTransaction(this.config, pkce.verifier, display);
    const issuers = new Set([...clientConfigs].filter((c) => c.redirectUri === tx.redirectUri).map((c) => c.issuer.href));
    if (issuers.size > 1) tx.requireIss = true;
    const jkt = this.#jkt && { dpop_jkt: this.#jkt };
    const config = extra || jkt ? { ...this.config, extraParams: { ...this.config.extraParams, ...extra, ...jkt } } : this.config;
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
    const now = d && !options.popup && !this.config.initUrl;
    // With PAR, ready only if pushed ahead (par.ts): pushing now would lose the click.
    const par = d && usesPar(this.config, d);
    const pkce = now && !par && this.#pkce ? this.#takePkce() : undefined;
    const ready = par ? (now ? this.#ahead?.take() : undefined) : d && pkce ? this.#request(d, pkce) : undefined;
    try {
      // Not ready yet (a click right after load, init-url to ask first, or no request pushed ahead):
      // open a blank popup now, inside the click, and navigate it once ready.
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

  async #signInPopup(popup: Window, superseded: Promise<{ next: Promise<SignedInRecord | null> }>, ready?: Request): Promise<SignedInRecord | null> {
    let request = ready;
    try {
      if (!request) {
        request = await this.#newRequest();
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
    const { url, tx } = this.#ahead?.take() ?? (await this.#newRequest());
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
    const { initUrl } = this.config;
    return initUrl ? backend().then(({ fetchInitParams }) => fetchInitParams(initUrl, this.config.redirectUri, extraParamsOf)) : Promise.resolve(undefined);
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
    let tokenType: SignedInRecord['tokenType'] = accessToken ? 'bearer' : undefined;
    let refreshToken: string | undefined;
    let expiresIn = Number(params.get('expires_in')) || undefined;
    if (front.code && backendUrl) return (await backend()).handOffResponse(backendUrl, params, tx, claims, (answer) => emit(this, 'aq-backend', answer));
    let dpop: DPoPHandle | undefined;
    if (front.callback && front.code) {
      dpop = await dpopFor(this.config, d.as);
      const tokens = await exchangeCode(d, this.config, front.callback, tx, dpop, this.config.dpop === 'required');
      // The OP may have issued a Bearer token despite the proof (RFC 9449 §5): then it goes out without one.
      if (tokens.tokenType !== 'dpop') dpop = undefined;
      // OIDC Core §3.3.3.6: both ID tokens of a hybrid flow must be about the same user.
      if (claims && (tokens.claims.sub !== claims.sub || tokens.claims.iss !== claims.iss)) {
        throw new AqError('AQ_ID_TOKEN_INVALID', `ID token rejected: the token endpoint's "sub" "${tokens.claims.sub}" differs from the authorization response's "${claims.sub}"`);
      }
      ({ claims, idToken, refreshToken, tokenType } = tokens);
      accessToken = tokens.accessToken ?? accessToken;
      expiresIn = tokens.expiresIn;
    }
    let profile = { ...claims! } as AqProfile;
    if (accessToken && d.as.userinfo_endpoint && wantsUserinfo(this.config.scope)) {
      profile = { ...profile, ...(await fetchUserinfo(d, this.config, accessToken, profile.sub, dpop)), sub: profile.sub };
    }
    return {
      profile,
      idToken: idToken!,
      accessToken,
      tokenType,
      accessExpiresAt: expiresIn && Math.floor(Date.now() / 1000) + expiresIn,
      refreshToken,
      expiresAt: claims!.exp,
      sessionState: params.get('session_state') ?? undefined,
    };
  }

  /** Takes a validated record as the signed-in user: stores it, watches it, tells listeners and tabs. */
  #signedIn(record: SignedInRecord, announce = true): SignedInRecord {
    this.#records.keep(record, announce, !this.#disposed);
    void this.#watch(record);
    this.#arm(record);
    if (announce) emit(this, 'aq-profile', { profile: record.profile });
    return record;
  }

  #signedOut(reason: AqLogoutReason, tellTabs = true): void {
    this.#unwatch();
    this.#stopRenewing();
    if (!this.#records.drop(tellTabs)) return;
    // RFC 9449: a new key pair for the next user, unlinkable to this one (tokens bound to it are of
    // no use now), and a new dpop_jkt and pushed request with it.
    this.#jkt = undefined;
    dropDpopKey(this.config).then(() => this.prefetch()).catch(() => undefined);
    emit(this, 'aq-logout', { reason });
  }

  /**
   * Arranges the renewal of `record`'s tokens before they expire. With a refresh token, the
   * renewer takes over; without, a timer set for shortly before the ID token's expiry loads it
   * then (a silent prompt=none), so a page that never needs it never loads it.
   */
  #arm(record: SignedInRecord): void {
    clearTimeout(this.#renewTimer);
    if (this.#disposed) return;
    if (record.refreshToken || this.#renewer) {
      this.#renewal().then((r) => r.schedule(), (error) => emit(this, 'aq-error', { error }));
      return;
    }
    const ms = renewalDue(record) * 1000 - Date.now();
    if (ms < 2 ** 31 - 1) this.#renewTimer = setTimeout(() => void this.#renewal().then((r) => r.schedule(), () => {}), ms);
  }

  #stopRenewing(): void {
    clearTimeout(this.#renewTimer);
    void this.#renewer?.then((r) => r.stop(), () => {});
    this.#renewer = undefined;
  }

  /** The renewer of this client's tokens (src/tokens/renewer.ts), loaded on first use. */
  #renewal(): Promise<Renewer> {
    const renewer = (this.#renewer ??= tokens().then(({ Renewer }) => new Renewer({
      config: this.config,
      current: () => this.#records.record,
      stored: () => this.#records.peek(),
      renewed: (record) => this.#renewed(record),
      refused: (error) => {
        // invalid_grant is the OP ending the session: the reason says it. Anything else (a bad
        // ID token, another user) is also worth the page's attention.
        if (error.error !== 'invalid_grant') emit(this, 'aq-error', { error });
        this.#signedOut('renewal-refused');
      },
      failed: (error) => emit(this, 'aq-error', { error }),
      silent: () => this.#silentSignIn().then((next) => next ?? Promise.reject(new AqError('AQ_TOKEN_RENEWAL_FAILED', 'the backend answered the silent renewal without a profile'))),
    }), (err) => {
      if (this.#renewer === renewer) this.#renewer = undefined; // a later call tries again
      throw err;
    }));
    return renewer;
  }

  /** New tokens for the same user (a renewal here or in another tab): keep them, tell the page. */
  #renewed(record: SignedInRecord): void {
    const before = this.#records.record;
    this.#records.keep(record, false, !this.#disposed);
    if (record.sessionState !== before?.sessionState) void this.#watch(record);
    void this.#renewer?.then((r) => r.schedule(), () => {});
    if (record.accessToken) emit(this, 'aq-token', { accessToken: record.accessToken, expiresAt: record.accessExpiresAt });
  }

  /**
   * A valid access token for the signed-in user: the current one, or, when it expires within
   * seconds, a renewed one (refresh token, else a silent prompt=none). Rejects with
   * `AQ_NOT_SIGNED_IN` when no user is signed in, `AQ_TOKEN_RENEWAL_FAILED` when the OP could not
   * be reached, and the OP's refusal (the user is then signed out, reason `renewal-refused`).
   */
  async getAccessToken(): Promise<string> {
    return (await this.#renewal()).accessToken();
  }

  /**
   * `fetch()` that attaches the access token (`Authorization: Bearer`, or `DPoP` with a proof
   * for DPoP-bound tokens) to requests whose origin is in `apiOrigins`; any other request goes out
   * unchanged, without the token. A 401 with `error="invalid_token"` is retried once after a
   * renewal, a DPoP nonce challenge once with the nonce. Rejects like `getAccessToken()` when no
   * valid token can be had for an API origin.
   */
  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const [{ apiFetch }, renewer] = await Promise.all([tokens(), this.#renewal()]);
    return apiFetch({ config: this.config, current: () => this.#records.record, accessToken: () => renewer.accessToken(), renew: () => renewer.renew() }, input, init);
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
        idToken: this.config.backendUrl ? undefined : () => (this.#records.record ?? record).idToken || undefined,
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
      next = await this.#silentSignIn();
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
    // Renewed meanwhile is still the same user; signed out (or in anew) is not.
    const current = this.#records.record;
    if (current?.profile.sub !== before.profile.sub) return null;
    if (next.profile.sub !== before.profile.sub) {
      this.#signedOut('remote');
      return null;
    }
    // Same user, new OP session: keep watching it without telling the page anything happened.
    // prompt=none brings no refresh token (offline_access needs consent): the grant's stays good.
    next = { ...next, refreshToken: next.refreshToken ?? current.refreshToken };
    this.#records.keep(next, false, !this.#disposed);
    this.#arm(next);
    return next.sessionState ?? null;
  }

  /**
   * Asks the OP who is signed in, without showing anything: prompt=none with the ID token as
   * hint, in a hidden iframe. Resolves with the validated record (null from a backend without a
   * profile), rejects with the OP's error (login_required …) or AQ_SESSION_CHECK_UNAVAILABLE.
   */
  async #silentSignIn(): Promise<SignedInRecord | null> {
    const { url, tx } = await this.#newRequest({ prompt: 'none', id_token_hint: this.#records.record!.idToken });
    return silentCheck(url, tx, this.config.redirectUri, (response) => this.#validate(response, tx));
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
    const refreshToken = this.#records.record?.refreshToken;
    this.#signedOut('user');
    // A refresh token outlives the page's record: revoked (RFC 7009), a copy is worth nothing.
    if (refreshToken) void discover(this.config.issuer).then((d) => revoke(d, this.config, refreshToken)).catch(() => {});
    if (!options.endSession || !idToken) return;
    const d = await discover(this.config.issuer);
    if (!d.as.end_session_endpoint) {
      throw new AqError('AQ_CONFIG_INVALID', `"end-session" is set but the OP at ${this.config.issuer.href} has no end_session_endpoint`);
    }
    endSession(d.as.end_session_endpoint, idToken, this.config.redirectUri, this.config.clientId);
  }

  /** Stops watching the session and listening to other tabs; the stored user stays. */
  dispose(): void {
    clientConfigs.delete(this.config);
    this.#disposed = true;
    this.#ahead?.stop();
    this.#unwatch();
    this.#stopRenewing();
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

/** `client`, for a token call; an element without a valid configuration has none, nor a user. */
export function signedInClient(client: AqClient | undefined): AqClient {
  if (!client) throw new AqError('AQ_NOT_SIGNED_IN', 'no user is signed in (the configuration is invalid: see its aq-error)');
  return client;
}

/** Creates a client; throws `AQ_CONFIG_INVALID` on bad options. */
export function createClient(options: AqClientOptions): AqClient {
  return new AqClient(options);
}
