import { LitElement, html } from 'lit';
import type { PropertyDeclaration, PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import type { AqClient } from '../core/client.js';
import type { AqClientOptions } from '../core/config.js';
import { openPopup } from '../core/open-popup.js';
import { OPTIONS as CONFIG_PROPS } from '../core/options.js';
import { peekProfile } from '../core/record-key.js';
import type { AqProfile } from '../core/store.js';
import { AqError, toAqError } from '../errors.js';
import type { AqEventDetail } from '../events.js';
import { emit } from '../events.js';
import { labelsFor } from './locales.js';
import { styles } from './aq-signin.styles.js';

/** Page-wide defaults, e.g. from the script tag's data-* attributes; an element's own attributes win. */
const defaults: Partial<Record<string, string>> = {};

/** Sets defaults for every `<aq-signin>` of the page, keyed by property name (`clientId`, `scope`, ...). */
export function setAqSigninDefaults(values: Partial<Record<string, string>>): void {
  Object.assign(defaults, values);
  // Marked as a change of "issuer" so that elements already running rebuild their client if the
  // effective configuration differs.
  for (const el of document.querySelectorAll('aq-signin')) if (el instanceof AqSignin) el.requestUpdate('issuer', el.issuer);
}

type ClientModule = typeof import('./relying-party.js');

// The relying party (client.ts, oauth4webapi, the flows, the session monitor, the configuration's
// validation, the popup relay) is a second chunk: the button paints without it
// (docs/size-and-speed.md: first paint), and it starts loading as the first element connects, long before a
// click. Once per page.
let clientModule: Promise<ClientModule> | undefined;
let loaded: ClientModule | undefined;

function loadClient(): Promise<ClientModule> {
  clientModule ??= import('./relying-party.js').then(
    (m) => (loaded = m),
    (err) => {
      clientModule = undefined; // a later connect or click tries again
      throw new AqError('AQ_LOAD_FAILED', 'the sign-in script could not be loaded', { cause: err });
    },
  );
  return clientModule;
}

const DEFAULT_SIGN_OUT_CLAIM = 'given_name name email phone_number';

/**
 * Whether the document is still being parsed. Events caused by loading the page wait for
 * DOMContentLoaded, so later scripts can still listen. readyState alone cannot tell: module and
 * deferred scripts run while it is already "interactive" but before DOMContentLoaded; the
 * navigation timing entry says whether it has started.
 */
function parsing(): boolean {
  const nav = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
  return nav ? nav.domContentLoadedEventStart === 0 : document.readyState === 'loading';
}

function afterDomContentLoaded(fn: () => void): void {
  if (parsing()) document.addEventListener('DOMContentLoaded', () => fn(), { once: true });
  else queueMicrotask(fn);
}

// The default icon: a padlock.
const ICON = html`<svg part="icon" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M12 2a5 5 0 0 1 5 5v3h1a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h1V7a5 5 0 0 1 5-5zm0 2a3 3 0 0 0-3 3v3h6V7a3 3 0 0 0-3-3zm0 9a2 2 0 0 0-1 3.73V19h2v-2.27A2 2 0 0 0 12 13z"></path></svg>`;

/**
 * Lit property declarations, one per name, whose attribute is the property's name in kebab case
 * (`clientId`: `client-id`); `declared` adds a type or reflection where one is not a string.
 */
function attributes(names: readonly string[], declared: Record<string, PropertyDeclaration>): PropertyDeclarations {
  return Object.fromEntries(names.map((name) => [name, { ...declared[name], attribute: name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) }]));
}

/**
 * A sign-in button for any OpenID Connect provider.
 *
 * @tagname aq-signin
 * @summary Signs the user in with OpenID Connect (code + PKCE), in a popup or by redirect.
 *
 * @fires aq-profile - The user is signed in (after sign-in or on restore); `detail.profile` holds the validated claims.
 * @fires aq-logout - The user is signed out; `detail.reason` is `user`, `remote`, `expired`, `other-tab` or `renewal-refused`.
 * @fires aq-error - Something failed; `detail.error` is an `AqError` with a stable `code`: `AQ_CONFIG_INVALID`, `AQ_DISCOVERY_FAILED`, `AQ_AUTHORIZATION_ERROR`, `AQ_LOAD_FAILED`, `AQ_POPUP_BLOCKED`, `AQ_POPUP_CLOSED`, `AQ_STATE_INVALID`, `AQ_RESPONSE_INVALID`, `AQ_TOKEN_REQUEST_FAILED`, `AQ_ID_TOKEN_INVALID`, `AQ_USERINFO_FAILED`, `AQ_SESSION_CHECK_UNAVAILABLE`, `AQ_LOGOUT_STREAM_UNAVAILABLE`, `AQ_INIT_FAILED`, `AQ_BACKEND_FAILED`, `AQ_TOKEN_RENEWAL_FAILED`, `AQ_NOT_SIGNED_IN`, `AQ_PAR_FAILED` (docs/errors.md).
 * @fires aq-backend - With `backend-url`: the backend's answer, `detail.status` and `detail.body`.
 * @fires aq-token - The access token was renewed (here or in another tab): `detail.accessToken`, `detail.expiresAt` (seconds since the epoch).
 *
 * @slot - The label when signed out (default: the localized "Sign in" or `sign-in-text`).
 * @slot signed-in - The label when signed in (default: "Sign out" + the first `sign-out-claim`).
 * @slot icon - Replaces the default icon.
 *
 * @csspart button - The `<button>`.
 * @csspart label - The text of the button.
 * @csspart icon - The default icon.
 * @csspart avatar - The `picture` claim, with the `avatar` attribute, while signed in.
 *
 * @cssproperty --aq-signin-background - Button background.
 * @cssproperty --aq-signin-color - Button text colour.
 * @cssproperty --aq-signin-border - Button border.
 * @cssproperty --aq-signin-radius - Button corner radius.
 * @cssproperty --aq-signin-font - Button font shorthand.
 * @cssproperty --aq-signin-padding - Button padding.
 * @cssproperty --aq-signin-focus-ring - Box shadow of the focused button.
 */
export class AqSignin extends LitElement {
  static override styles = styles;

  /**
   * Registers the element (default tag `aq-signin`). Calling it again, or after another copy of
   * the library registered the tag, does nothing.
   */
  static define(tag = 'aq-signin', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tag)) registry.define(tag, tag === 'aq-signin' ? this : class extends this {});
  }

  // Each attribute is its property's name in kebab case: derived, not spelled out, which saves the
  // first paint about 100 bytes; the configuration's names come from options.ts, not listed twice
  // (-71 B). custom-elements-manifest.config.mjs reads these names for the manifest's attribute table.
  static override properties = attributes([...CONFIG_PROPS, 'endSession', 'theme', 'size', 'avatar', 'signInText', 'signOutText', 'signOutClaim'], {
    endSession: { type: Boolean },
    allowCrossOriginBackend: { type: Boolean },
    par: { type: Boolean },
    avatar: { type: Boolean },
    theme: { reflect: true },
    size: { reflect: true },
  });

  /** OP issuer URL (required); discovery is read from `{issuer}/.well-known/openid-configuration`. */
  declare issuer: string;
  /** OAuth client ID registered at the OP (required). */
  declare clientId: string;
  /** Space-separated scopes; default `openid profile email`. `openid` is added when missing. */
  declare scope?: string;
  /** `code` (default), `id_token`, `id_token token`, `code id_token`, `code token` or `code id_token token`. */
  declare responseType?: string;
  /** `query` (default for `code`), `fragment` (default otherwise; tokens never go in the query), or `form_post` (with a `redirect-uri` on your backend). */
  declare responseMode?: string;
  /** `popup` (default) or `redirect`. */
  declare display?: string;
  /** Where the OP sends the user back; default: this page's URL without query and fragment. */
  declare redirectUri?: string;
  /** Sent to the OP as `prompt`. */
  declare prompt?: string;
  /** Sent to the OP as `login_hint`. */
  declare loginHint?: string;
  /** Sent to the OP as `ui_locales`; also picks the button's language. */
  declare uiLocales?: string;
  /** Sent to the OP as `acr_values`. */
  declare acrValues?: string;
  /** Sent to the OP as `max_age` (seconds); `auth_time` is then checked. */
  declare maxAge?: string;
  /** Extra authorization parameters: a JSON object (attribute) or an object (property). */
  declare authParams?: string | Record<string, string>;
  /** Milliseconds between OIDC Session Management checks (default 2000); `0` turns monitoring off. */
  declare sessionInterval?: string;
  /** Where the signed-in state survives reloads: `session` (default), `local` or `memory`. */
  declare storage?: string;
  /** Signing out with the button also ends the session at the OP (RP-Initiated Logout). */
  // Initialised, unlike the string options: Vue sets a boolean property from a bare
  // attribute only when the property already holds a boolean.
  endSession = false;
  /** POSTed to (JSON) before each sign-in; its JSON answer joins the authorization parameters (Authsignal's `token`). */
  declare initUrl?: string;
  /** The authorization response is POSTed here (JSON) instead of being exchanged in the browser; see `aq-backend`. */
  declare backendUrl?: string;
  /**
   * Lets `backend-url` and `init-url` be on another origin than the page; only from this
   * element's own attribute or property, never from the script tag's `data-*` defaults.
   *
   * > [!WARNING]
   * > `backend-url` receives the code with its PKCE `code_verifier`, enough to redeem it. Set this
   * > only when that origin is yours.
   */
  // Initialised like endSession: Vue sets a boolean property from a bare attribute only when it holds a boolean.
  allowCrossOriginBackend = false;
  /** Seconds added to this device's clock when checking the OP's timestamps: `120` for a clock two minutes slow, `-120` for one fast. Default 0. */
  declare clockSkew?: string;
  /**
   * Seconds of leeway on the ID token's `exp`, `nbf`, `iat` and `auth_time` (default 30).
   *
   * > [!WARNING]
   * > It also keeps an expired ID token acceptable that much longer; for a clock known to be off, prefer `clock-skew`.
   */
  declare clockTolerance?: string;
  /** Space-separated origins (`https://api.example.com`) that `fetch()` sends the access token to; none by default. */
  declare apiOrigins?: string;
  /**
   * The backend's logout stream (aq-signin/server `createLogoutStreamHandler`), open while a user
   * is signed in: a sign-out at the OP reaches the page through back-channel logout, even where
   * third-party cookies blind the session iframe. Same origin unless `allow-cross-origin-backend`.
   */
  declare logoutEventsUrl?: string;
  /** DPoP-bound tokens (RFC 9449): `auto` (default: when the OP advertises ES256 for DPoP), `off`, or `required`. */
  declare dpop?: string;
  /** Push each authorization request to the OP first (RFC 9126 PAR); on anyway when the OP requires it. */
  // Initialised like endSession: Vue sets a boolean property from a bare attribute only when it holds a boolean.
  par = false;
  /** `basic` (default), `orange`, `grey`, `white`, or `none` (unstyled, for styling through `::part`). */
  declare theme?: string;
  /** `small`, `medium` (default) or `large`. */
  declare size?: string;
  /** Show the `picture` claim (https or data: image URLs only) as an avatar when signed in. */
  avatar = false;
  /** Label when signed out; default the localized "Sign in". */
  declare signInText?: string;
  /** Label prefix when signed in; default the localized "Sign out". */
  declare signOutText?: string;
  /** Space-separated claims; the first one the profile has follows the sign-out label. */
  declare signOutClaim?: string;

  // Private fields rather than Lit state, so they stay out of the public types and the manifest.
  #busyNow = false;
  #resumed?: Promise<void>;
  #relaying = false;
  #status = '';
  #slotted = false;
  #client?: AqClient;
  // The stored user's profile, for the label only, until the client has restored (or dropped) it.
  #stored?: AqProfile;
  #reportedConfigError?: string;
  // The client reports what happens without a call (remote sign-out, other tabs, expiry); the
  // element re-dispatches it from itself, where the page listens. While the page is parsed, it
  // waits: later scripts add their listeners, and later [data-aq-bind] elements appear.
  // Only the current client's: one dropped meanwhile (its configuration changed) has been replaced.
  #forward = (e: Event): void => {
    if (e.target !== this.#client) return;
    if (parsing()) return document.addEventListener('DOMContentLoaded', () => this.#forward(e), { once: true });
    const { type, detail } = e as CustomEvent;
    if (type !== 'aq-error') {
      loaded!.bindClaims(this.profile);
      this.requestUpdate();
    }
    emit(this, type as keyof AqEventDetail, detail);
  };

  /** The signed-in user's claims, or null. */
  get profile(): AqProfile | null {
    return this.#client?.profile ?? null;
  }
  /** True while a user is signed in. */
  get signedIn(): boolean {
    return this.#client?.signedIn ?? false;
  }
  /** The access token of the signed-in user, or null; current after every renewal (`aq-token`). */
  get accessToken(): string | null {
    return this.#client?.accessToken ?? null;
  }
  /** The raw ID token of the signed-in user, or null. */
  get idToken(): string | null {
    return this.#client?.idToken ?? null;
  }
  /** True while a sign-in is under way. */
  get busy(): boolean {
    return this.#busyNow;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#start();
  }

  /** On connect, and again when the configuration changes: prefetch, then a returning redirect or a stored user. */
  #start(): void {
    if (this.#relaying) return;
    if (!loaded) {
      this.#stored = this.#peek();
      loadClient().then(
        () => this.isConnected && !this.#client && this.#start(),
        (err) => afterDomContentLoaded(() => this.#fail(err)),
      );
      return;
    }
    // In the popup (or the hidden frame of a silent re-check), this page load is only the OP's
    // answer: hand it to the opener and stop, also when attributes change later.
    this.#relaying = loaded.relayPopupResponse();
    const client = this.#relaying ? undefined : this.#getClient();
    // The stored user's name until the client has restored them (#resume), also when the chunk was
    // already in: the restore waits for the page's redirect answer, if any.
    this.#stored = client ? this.#peek() : undefined;
    if (!client) return;
    // Prefetch, then the page load's answer (startClient). Now, not at DOMContentLoaded: a returning
    // redirect's token request starts while the page is still being parsed; what it ends in waits
    // for the page's listeners (#forward, #resume).
    this.#resumed = this.#resume(client);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dropClient();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.isConnected || !CONFIG_PROPS.some((p) => changed.has(p))) return;
    // Attributes often arrive after connecting (a framework's bindings; createElement, append,
    // then setAttribute), also before the first update, and a default spelled out changes
    // nothing: keep the client (and any sign-in it is finishing) unless the effective
    // configuration differs, and make one if there was none.
    if (this.#client && loaded!.sameConfig(this.#client, this.#options())) return;
    this.#dropClient();
    this.#start();
  }

  #dropClient(): void {
    if (this.#client) loaded!.unlinkClient(this.#client, this.#forward);
    this.#client = undefined;
  }

  protected override updated(): void {
    this.toggleAttribute('signed-in', this.signedIn);
    this.toggleAttribute('busy', this.#busyNow);
  }

  #setBusy(busy: boolean): void {
    this.#busyNow = busy;
    if (busy) this.#status = this.#labels().busy;
    else if (this.#status === this.#labels().busy) this.#status = '';
    this.requestUpdate();
  }

  /** A redirect coming back, else a stored user. The client's events carry the outcome. */
  #resume(client: AqClient): Promise<void> {
    return loaded!.startClient(client, (busy) => this.#setBusy(busy), (err) => afterDomContentLoaded(() => this.#fail(err))).finally(() => {
      this.#stored = undefined;
      this.requestUpdate();
    });
  }

  #peek(): AqProfile | undefined {
    return peekProfile(this.storage ?? defaults.storage, this.issuer ?? defaults.issuer, this.clientId ?? defaults.clientId);
  }

  #options(): AqClientOptions {
    // allowCrossOriginBackend always holds a boolean here, so the page-wide defaults never supply
    // it: the opt-in has to stand on the element whose backend it vouches for (and a default, a
    // string, could not open it anyway: resolveConfig wants `true`).
    return Object.fromEntries(CONFIG_PROPS.map((p) => [p, this[p] ?? defaults[p]])) as unknown as AqClientOptions;
  }

  #getClient(): AqClient | undefined {
    if (this.#client || !loaded) return this.#client;
    try {
      this.#client = loaded.linkClient(this.#options(), this.#forward);
    } catch (err) {
      this.#reportConfigError(err);
      return undefined;
    }
    this.#reportedConfigError = undefined;
    return this.#client;
  }

  #reportConfigError(err: unknown): void {
    // Reported once per configuration: a page author needs one clear message, not one per click.
    // And only if still true once the page is parsed and the element updated: attributes set
    // right after connecting may have completed the configuration by then.
    const error = toAqError(err, 'AQ_CONFIG_INVALID', 'invalid configuration');
    if (this.#reportedConfigError === error.message) return;
    this.#reportedConfigError = error.message;
    afterDomContentLoaded(() =>
      this.updateComplete.then(() => {
        if (!this.#client && this.#reportedConfigError === error.message) this.#fail(error);
      }),
    );
  }

  /**
   * Starts a sign-in; call it from a click handler when `display` is `popup`. Never rejects:
   * failures are dispatched as `aq-error`.
   */
  signIn(): Promise<void> {
    const client = this.#getClient();
    // No await before this call: the popup opens inside the caller's user gesture.
    if (client) return this.#busyWith(client.signIn());
    if (loaded) return Promise.resolve(); // an invalid configuration, reported once
    // A click before the relying party has arrived: the popup opens now, inside the click, and
    // the client navigates it to the OP once loaded (or closes it if the configuration turns out
    // invalid). A redirect can wait.
    let popup: Window | undefined;
    if ((this.display || defaults.display) !== 'redirect') {
      try {
        popup = openPopup('about:blank');
      } catch (err) {
        this.#fail(err);
        return Promise.resolve();
      }
    }
    return this.#busyWith(
      // What the page load has to say comes first: a stored user, or a returning redirect,
      // already answers the click (the button said "Sign in" only for want of the chunk).
      this.#ready()
        .then((client) => {
          if (client && !client.signedIn) return client.signIn({ popup });
          popup?.close();
        })
        .catch((err) => {
          popup?.close();
          throw err;
        }),
    );
  }

  #busyWith(signingIn: Promise<unknown>): Promise<void> {
    this.#setBusy(true);
    return signingIn
      .then(
        () => {},
        (err) => this.#fail(err),
      )
      .finally(() => this.#setBusy(false));
  }

  /**
   * Signs out locally and dispatches `aq-logout` with `reason: "user"`. With `endSession` (or the
   * `end-session` attribute) the page then goes to the OP's end_session_endpoint and comes back.
   * Never rejects: failures are dispatched as `aq-error`.
   */
  signOut(options: { endSession?: boolean } = {}): Promise<void> {
    const signOut = (client?: AqClient) => client?.signOut({ endSession: options.endSession ?? this.endSession }).catch((err) => this.#fail(err));
    if (loaded && !this.#stored) return Promise.resolve(signOut(this.#getClient()));
    // A stored user's "Sign out", clicked before the chunk is in or the restore is done: once the
    // user is restored (signing out first, the restore would sign them in again).
    return this.#ready().then((client) => (client?.signedIn ? signOut(client) : undefined), (err) => this.#fail(err));
  }

  /**
   * Resolves with a valid access token, renewed first when about to expire. Rejects with an
   * `AqError`: `AQ_NOT_SIGNED_IN` without a user, `AQ_TOKEN_RENEWAL_FAILED` when the OP cannot be
   * reached.
   */
  getAccessToken(): Promise<string> {
    return this.#ready().then((c) => loaded!.signedInClient(c).getAccessToken());
  }

  /**
   * `fetch()` with the access token attached for the origins of `api-origins` (a request to any
   * other origin goes out unchanged, without it); retried once after a renewal on a 401
   * `invalid_token`. Rejects like `getAccessToken()`.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return this.#ready().then((c) => loaded!.signedInClient(c).fetch(input, init));
  }

  // The client once the page load is handled (a returning redirect, a stored user); none while
  // the configuration is invalid.
  #ready(): Promise<AqClient | undefined> {
    return loadClient()
      .then(() => {
        if (!this.#client) this.#start();
        return this.#resumed;
      })
      .then(() => this.#client);
  }

  #fail(err: unknown): void {
    const error = err instanceof AqError ? err : toAqError(err, 'AQ_RESPONSE_INVALID', 'sign-in failed');
    // Screen readers hear that it failed; the details are for the page, through the event.
    this.#status = this.#labels().failed;
    this.requestUpdate();
    emit(this, 'aq-error', { error });
  }

  #onClick(): void {
    void (this.signedIn || this.#stored ? this.signOut() : this.signIn());
  }

  #labels() {
    const lang = this.closest('[lang]')?.getAttribute('lang');
    const ui = (this.uiLocales ?? defaults.uiLocales)?.split(/\s+/) ?? [];
    return labelsFor([...ui, lang, ...navigator.languages]);
  }

  /** The first claim of sign-out-claim the profile has: "Sign out Alice". */
  #who(profile: AqProfile): string | undefined {
    const claims = (this.signOutClaim || defaults.signOutClaim || DEFAULT_SIGN_OUT_CLAIM).split(/\s+/);
    return claims.map((c) => profile[c]).find((v): v is string => typeof v === 'string' && v !== '');
  }

  #label(profile: AqProfile | null): string {
    const labels = this.#labels();
    if (!profile) return this.signInText || defaults.signInText || labels.signIn;
    return [this.signOutText || defaults.signOutText || labels.signOut, this.#who(profile)].filter(Boolean).join(' ');
  }

  /** The avatar's URL: only https and inline images (no mixed content, no javascript:). */
  #picture(profile: AqProfile | null): string | undefined {
    const url = profile?.picture;
    return this.avatar && typeof url === 'string' && /^(https:|data:image\/)/i.test(url) ? url : undefined;
  }

  protected override render(): TemplateResult {
    const profile = this.profile ?? this.#stored ?? null;
    const picture = this.#picture(profile);
    // The avatar is decorative: the label beside it already names the user. One <slot> serves
    // both labels: renaming it re-assigns the light DOM and fires slotchange. No whitespace
    // between the tags: in the label it would show, and templates ship as written.
    return html`<button part="button" type="button" aria-busy=${String(this.#busyNow)} @click=${this.#onClick}>${
      picture
        ? html`<img part="avatar" alt="" referrerpolicy="no-referrer" src=${picture}>`
        : html`<slot name="icon">${ICON}</slot>`
    }<span part="label"><slot name=${profile ? 'signed-in' : ''} @slotchange=${this.#onSlotChange}></slot>${
      this.#slotted ? '' : this.#label(profile)
    }</span></button><span class="sr-only" role="status" aria-live="polite">${this.#status}</span>`;
  }

  // Whitespace between the tags is slotted too, so "has a label" means non-blank content.
  #onSlotChange(e: Event): void {
    const slot = e.target as HTMLSlotElement;
    this.#slotted = slot.assignedNodes({ flatten: true }).some((n) => n.nodeType === Node.ELEMENT_NODE || n.textContent?.trim());
    this.requestUpdate();
  }
}
