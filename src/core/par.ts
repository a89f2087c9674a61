import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import { retryOnNonce } from './dpop.js';
import type { Discovered, RelyingParty } from './oauth.js';
import { clientFor, fromOauth } from './oauth.js';
import type { Transaction } from './transaction.js';

// Pushed Authorization Requests (RFC 9126), loaded only when the OP requires them or the page asks.

/** An authorization request pushed to the OP: `url` opens it by reference. */
export interface Pushed {
  url: string;
  tx: Transaction;
  /** ms since epoch after which it is pushed anew rather than used: the OP must still know it when the popup gets there. */
  staleAt: number;
}

/**
 * Pushes the parameters of an authorization request URL to the OP (RFC 9126 §2), with a DPoP proof
 * when DPoP is on (RFC 9449 §10.1: the code is then bound to the key), and returns the URL that
 * names it: client_id and request_uri only (RFC 9126 §4).
 */
export async function pushRequest(d: Discovered, rp: RelyingParty, request: { url: string; tx: Transaction }, dpop?: oauth.DPoPHandle): Promise<Pushed> {
  const { as, client, options } = clientFor(d, rp);
  const endpoint = as.pushed_authorization_request_endpoint;
  if (!endpoint) throw new AqError('AQ_CONFIG_INVALID', `"par" is set but the OP at ${as.issuer} has no pushed_authorization_request_endpoint`);
  const url = new URL(request.url);
  let answer: oauth.PushedAuthorizationResponse;
  try {
    answer = await retryOnNonce(dpop, async () =>
      oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, oauth.None(), url.searchParams, { ...options, DPoP: dpop })),
    );
  } catch (err) {
    throw fromOauth(err, 'AQ_PAR_FAILED', `pushed authorization request to ${endpoint}`);
  }
  url.search = new URLSearchParams({ client_id: rp.clientId, request_uri: answer.request_uri }).toString();
  const ms = answer.expires_in * 1000;
  return { url: url.href, tx: request.tx, staleAt: Date.now() + Math.max(ms - 10_000, ms / 2) };
}

/**
 * One pushed request kept ready for the next click, so that the popup opens at the OP with no
 * request awaited between click and OP; pushed anew before it expires, only while the page is
 * visible and `wanted()` (signed out): a hidden page or a signed-in user costs the OP nothing.
 */
export class PushedAhead {
  #next?: Pushed;
  #timer?: ReturnType<typeof setTimeout>;
  // Bumped by renew(): a push started before (with a key since dropped) is not kept.
  #round = 0;
  #pushing = false;
  #stopped = false;
  #push: () => Promise<Pushed>;
  #wanted: () => boolean;
  #onVisible = () => this.#fill();

  constructor(push: () => Promise<Pushed>, wanted: () => boolean) {
    this.#push = push;
    this.#wanted = wanted;
    document.addEventListener('visibilitychange', this.#onVisible);
  }

  /** The request pushed ahead if still fresh, once; the next one is pushed meanwhile. */
  take(): Pushed | undefined {
    const next = this.#next;
    this.#next = undefined;
    this.#fill();
    return next && Date.now() < next.staleAt ? next : undefined;
  }

  /** Forgets the request ready (made with a DPoP key now dropped) and pushes another. */
  renew(): void {
    this.#round++;
    this.#next = undefined;
    this.#pushing = false;
    this.#fill();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    document.removeEventListener('visibilitychange', this.#onVisible);
  }

  #fill(): void {
    if (this.#next && Date.now() < this.#next.staleAt) return;
    if (this.#pushing || this.#stopped || document.visibilityState === 'hidden' || !this.#wanted()) return;
    const round = this.#round;
    this.#pushing = true;
    // A failed push is not reported here: the click pushes again and reports what fails then.
    this.#push().then(
      (next) => {
        if (round !== this.#round) return;
        this.#pushing = false;
        this.#next = next;
        clearTimeout(this.#timer);
        // An OP whose requests live only seconds would have it push without pause: then only the
        // click (take) pushes the next one.
        const life = next.staleAt - Date.now();
        if (life >= 5_000) this.#timer = setTimeout(() => this.#fill(), life);
      },
      () => round === this.#round && (this.#pushing = false),
    );
  }
}
