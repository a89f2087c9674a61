import * as oauth from 'oauth4webapi';
import { AqError, toAqError } from '../errors.js';
import type { Pkce } from './authorize.js';
import { authorizationUrl, createPkce } from './authorize.js';
import type { AqClientOptions, AqConfig } from './config.js';
import { resolveConfig } from './config.js';
import type { Discovered } from './discovery.js';
import { discover, discovered, httpOptions } from './discovery.js';
import { processTokenResponse } from './id-token.js';
import { openPopup, waitForPopup } from './popup.js';
import { startRedirect, takeRedirectResponse } from './redirect.js';
import type { AqProfile, RecordStore, SignedInRecord } from './store.js';
import { createStore } from './store.js';
import type { Transaction } from './transaction.js';
import { dropTransaction, newTransaction, saveTransaction } from './transaction.js';

/** Scopes whose claims the OP may deliver only through userinfo (OIDC Core §5.4), plus Authentiq's. */
function wantsUserinfo(scope: string): boolean {
  return scope.split(' ').some((s) => {
    const name = s.replace(/~[rs]+$/, ''); // Authentiq's required/signed suffixes
    return ['profile', 'email', 'phone', 'address'].includes(name) || name.startsWith('aq:');
  });
}

/** Restoring found a record whose ID token has expired: the page should learn the user is gone. */
export const EXPIRED = 'expired';

/**
 * A framework-free OpenID Connect relying party for one issuer and client. The `<aq-signin>`
 * element is a thin shell around it; an SPA can use it alone.
 */
export class AqClient {
  readonly config: AqConfig;
  #store: RecordStore;
  #record: SignedInRecord | null = null;
  #pkce?: Pkce;
  #pkcePending?: Promise<Pkce>;
  #popupSignIn?: { popup: Window; promise: Promise<SignedInRecord> };

  /** Throws `AQ_CONFIG_INVALID` naming the first bad option. */
  constructor(options: AqClientOptions) {
    this.config = resolveConfig(options);
    this.#store = createStore(this.config.storage, this.config.issuer.href, this.config.clientId);
  }

  get signedIn(): boolean {
    return this.#record !== null;
  }
  get profile(): AqProfile | null {
    return this.#record?.profile ?? null;
  }
  get idToken(): string | null {
    return this.#record?.idToken ?? null;
  }
  get accessToken(): string | null {
    return this.#record?.accessToken ?? null;
  }
  get record(): SignedInRecord | null {
    return this.#record;
  }

  /**
   * Fetches discovery and JWKS and precomputes PKCE, so that the click opens the OP without
   * waiting and the callback validates without fetching keys. Safe to call often.
   */
  async prefetch(): Promise<void> {
    this.#nextPkce();
    await discover(this.config.issuer);
  }

  #nextPkce(): Promise<Pkce> {
    this.#pkcePending ??= createPkce().then((p) => (this.#pkce = p));
    return this.#pkcePending;
  }

  #takePkce(): Pkce | undefined {
    const pkce = this.#pkce;
    this.#pkce = this.#pkcePending = undefined;
    this.#nextPkce();
    return pkce;
  }

  #request(d: Discovered, pkce: Pkce): { url: string; tx: Transaction } {
    const tx = newTransaction(this.config, pkce.verifier);
    return { url: authorizationUrl(d.as, this.config, tx, pkce), tx };
  }

  /**
   * Starts a sign-in. With `display: "popup"` call it inside a click handler: the popup opens
   * before anything is awaited. With `"redirect"` the page navigates to the OP and the promise
   * never settles; the result arrives through `handleRedirectCallback()` on the way back.
   */
  signIn(): Promise<SignedInRecord> {
    if (this.config.display === 'redirect') return this.#signInRedirect();
    if (this.#popupSignIn && !this.#popupSignIn.popup.closed) {
      this.#popupSignIn.popup.focus();
      return this.#popupSignIn.promise;
    }
    let popup: Window;
    const d = discovered(this.config.issuer);
    const pkce = d && this.#pkce ? this.#takePkce() : undefined;
    const ready = d && pkce ? this.#request(d, pkce) : undefined;
    try {
      // Not ready yet (a click right after load): open a blank popup now, navigate it once ready.
      popup = openPopup(ready?.url ?? 'about:blank');
    } catch (err) {
      return Promise.reject(err);
    }
    const promise = this.#signInPopup(popup, ready).finally(() => {
      this.#popupSignIn = undefined;
    });
    this.#popupSignIn = { popup, promise };
    return promise;
  }

  async #signInPopup(popup: Window, ready?: { url: string; tx: Transaction }): Promise<SignedInRecord> {
    let request = ready;
    try {
      if (!request) {
        const [d, pkce] = await Promise.all([discover(this.config.issuer), this.#nextPkce()]);
        this.#takePkce();
        request = this.#request(d, pkce);
        popup.location.href = request.url;
      }
    } catch (err) {
      popup.close();
      throw err;
    }
    const tx = request.tx;
    saveTransaction(tx);
    const waiter = waitForPopup(popup, tx.state);
    try {
      const params = await waiter.response;
      return await this.#complete(params, tx);
    } finally {
      waiter.cancel();
      dropTransaction(tx);
    }
  }

  async #signInRedirect(): Promise<SignedInRecord> {
    const [d, pkce] = await Promise.all([discover(this.config.issuer), this.#nextPkce()]);
    this.#takePkce();
    const { url, tx } = this.#request(d, pkce);
    startRedirect(url, tx);
    return new Promise<never>(() => {});
  }

  /**
   * Handles a redirect response in the current URL: resolves with the signed-in record, or null
   * when the URL carries no response for this client. The response is removed from the URL and
   * its state is used up, so a reload or a replayed URL is refused with `AQ_STATE_INVALID`.
   */
  async handleRedirectCallback(): Promise<SignedInRecord | null> {
    const taken = takeRedirectResponse((tx) => tx.issuer === this.config.issuer.href && tx.clientId === this.config.clientId);
    if (!taken) return null;
    return this.#complete(taken.params, taken.tx);
  }

  /** Validates an authorization response for `tx`, exchanges the code, and stores the user. */
  async #complete(params: URLSearchParams, tx: Transaction): Promise<SignedInRecord> {
    const d = await discover(this.config.issuer);
    const client: oauth.Client = { client_id: this.config.clientId };
    const http = httpOptions(this.config.issuer);
    let callbackParams: URLSearchParams;
    try {
      // Checks state first, then RFC 9207 "iss" (mix-up defence), then turns error= into an exception.
      callbackParams = oauth.validateAuthResponse(d.as, client, params, tx.state);
    } catch (err) {
      throw authResponseError(err);
    }
    let response: Response;
    try {
      response = await oauth.authorizationCodeGrantRequest(d.as, client, oauth.None(), callbackParams, tx.redirectUri, tx.codeVerifier, http);
    } catch (err) {
      throw toAqError(err, 'AQ_TOKEN_REQUEST_FAILED', `token request to ${d.as.token_endpoint} failed`);
    }
    const tokens = await processTokenResponse(d, client, response, tx);
    let profile: AqProfile = { ...tokens.claims } as AqProfile;
    if (tokens.accessToken && d.as.userinfo_endpoint && wantsUserinfo(this.config.scope)) {
      profile = { ...profile, ...(await this.#userinfo(d, client, tokens.accessToken, tokens.claims.sub)), sub: tokens.claims.sub };
    }
    const record: SignedInRecord = {
      profile,
      idToken: tokens.idToken,
      accessToken: tokens.accessToken,
      expiresAt: tokens.claims.exp,
      sessionState: params.get('session_state') ?? undefined,
    };
    this.#record = record;
    this.#store.save(record);
    return record;
  }

  async #userinfo(d: Discovered, client: oauth.Client, accessToken: string, sub: string): Promise<Record<string, unknown>> {
    try {
      const response = await oauth.userInfoRequest(d.as, client, accessToken, httpOptions(this.config.issuer));
      // OIDC Core §5.3.4: the userinfo "sub" must equal the ID token's, or the claims are someone else's.
      return await oauth.processUserInfoResponse(d.as, client, sub, response);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new AqError('AQ_USERINFO_FAILED', `userinfo at ${d.as.userinfo_endpoint} failed: ${why}`, { cause: err });
    }
  }

  /**
   * Brings back the signed-in user from storage. Returns the record, null when there is none,
   * or `EXPIRED` when there was one whose ID token has expired (it is removed).
   */
  restore(): SignedInRecord | typeof EXPIRED | null {
    const record = this.#store.load();
    if (!record) return null;
    if (record.expiresAt * 1000 <= Date.now()) {
      this.#store.clear();
      return EXPIRED;
    }
    this.#record = record;
    return record;
  }

  /** Forgets the user in this page and its storage. */
  signOut(): void {
    this.#record = null;
    this.#store.clear();
  }
}

function authResponseError(err: unknown): AqError {
  if (err instanceof oauth.AuthorizationResponseError) {
    return new AqError('AQ_AUTHORIZATION_ERROR', `the OP answered "${err.error}"${err.error_description ? `: ${err.error_description}` : ''}`, {
      cause: err,
      error: err.error,
      errorDescription: err.error_description,
    });
  }
  const why = err instanceof Error ? err.message : String(err);
  if (/"state"/.test(why)) return new AqError('AQ_STATE_INVALID', `authorization response refused: ${why}`, { cause: err });
  return new AqError('AQ_RESPONSE_INVALID', `authorization response refused: ${why}`, { cause: err });
}

/** Creates a client; throws `AQ_CONFIG_INVALID` on bad options. */
export function createClient(options: AqClientOptions): AqClient {
  return new AqClient(options);
}
