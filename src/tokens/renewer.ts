import { AqError } from '../errors.js';
import type { AqConfig } from '../core/config.js';
import { discover } from '../core/discovery.js';
import type { SignedInRecord } from '../core/store.js';
import { refreshRecord, refused } from './refresh.js';
import type { Locks } from './refresh-lock.js';
import { withLock } from './refresh-lock.js';
import { MIN_LEFT, backoff, fresh, renewalDue } from './timing.js';

/** What the renewer needs of the client whose tokens it renews (client.ts). */
export interface RenewalHost {
  readonly config: AqConfig;
  /** The record kept in memory: the user this page shows. */
  current(): SignedInRecord | null;
  /** The record in storage: with storage "local", perhaps another tab's newer one. */
  stored(): SignedInRecord | null;
  /** Takes a renewed record (stores it, dispatches `aq-token`). */
  renewed(record: SignedInRecord): void;
  /** The OP refused: sign out with reason "renewal-refused". */
  refused(error: AqError): void;
  /** A renewal that could not reach the OP, reported as `aq-error`; the user stays. */
  failed(error: AqError): void;
  /** Without a refresh token: a silent prompt=none sign-in in a hidden frame. */
  silent(): Promise<SignedInRecord>;
}

/** The silent renewal, any failure of which is one to report, not a refusal. */
async function silently(host: RenewalHost): Promise<SignedInRecord> {
  try {
    return await host.silent();
  } catch (err) {
    const e = err instanceof AqError ? err : undefined;
    throw new AqError('AQ_TOKEN_RENEWAL_FAILED', `silent renewal failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err, error: e?.error, errorDescription: e?.errorDescription });
  }
}

/** Whether `a` holds other tokens than `b` that last longer: a renewal by another tab. */
const newer = (a: SignedInRecord, b: SignedInRecord) =>
  a.profile.sub === b.profile.sub && a.accessToken !== b.accessToken && (a.accessExpiresAt ?? a.expiresAt) >= (b.accessExpiresAt ?? b.expiresAt);

/**
 * Keeps one user's tokens valid: renews them shortly before they expire (timing.ts), with the
 * refresh token when there is one and a silent prompt=none otherwise; one renewal at a time
 * across the app's tabs (refresh-lock.ts); retries with back-off when the OP cannot be reached.
 * Loaded only by a page that has a refresh token or asks for a token.
 */
export class Renewer {
  #host: RenewalHost;
  #locks?: Locks;
  #timer?: ReturnType<typeof setTimeout>;
  #running?: Promise<SignedInRecord>;
  #attempt = 0;
  #stopped = false;
  /** No timed renewal before this (ms since the epoch): an OP handing out tokens that live a second is not hammered. */
  #notBefore = 0;

  constructor(host: RenewalHost, locks?: Locks) {
    this.#host = host;
    this.#locks = locks;
  }

  /** (Re)arms the timer for the current record: call after every change of the record. */
  schedule(): void {
    clearTimeout(this.#timer);
    const record = this.#host.current();
    if (!record || this.#stopped) return;
    const ms = Math.max(renewalDue(record) * 1000, this.#notBefore) - Date.now();
    // setTimeout's ceiling; a longer wait is re-armed by a reload or the next change.
    if (ms < 2 ** 31 - 1) this.#timer = setTimeout(() => void this.renew().catch(() => {}), Math.max(0, ms));
  }

  /**
   * A valid access token: the current one, or a renewed one when it is about to expire.
   * Rejects with AQ_NOT_SIGNED_IN without a user, with the renewal's error when it fails.
   */
  async accessToken(): Promise<string> {
    let record = this.#host.current();
    if (record && !fresh(record)) record = await this.renew();
    if (!record) throw new AqError('AQ_NOT_SIGNED_IN', 'no access token: no user is signed in');
    if (!record.accessToken) throw new AqError('AQ_CONFIG_INVALID', `no access token: "response-type" "${this.#host.config.responseType}" gives none`);
    return record.accessToken;
  }

  /**
   * Renews now, joining a renewal under way; resolves with the renewed record, whose access token
   * is never the one current at the call.
   */
  renew(): Promise<SignedInRecord> {
    const stale = this.#host.current()?.accessToken;
    const running = this.#running;
    // A renewal under way may be one that already produced the current token: it holds its lock
    // a moment after taking its result. A caller whose API just refused that token needs another.
    if (running) return running.then((next) => (next.accessToken === stale ? this.renew() : next));
    this.#running = this.#renew(stale).finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Replaces the access token `stale` (all tabs that found it stale ask at once: one renews). */
  async #renew(stale: string | undefined): Promise<SignedInRecord> {
    clearTimeout(this.#timer);
    const host = this.#host;
    const { issuer, clientId } = host.config;
    try {
      const next = await withLock(`aq-signin:renew:${issuer.href}|${clientId}`, () => this.#renewLocked(stale), this.#locks);
      this.#attempt = 0;
      return next;
    } catch (err) {
      if (!host.current() || this.#stopped) throw err;
      // What is not the OP's refusal is, for the page, a renewal that failed: one code to handle.
      const error = refused(err) || (err as AqError).code === 'AQ_TOKEN_RENEWAL_FAILED'
        ? (err as AqError)
        : new AqError('AQ_TOKEN_RENEWAL_FAILED', `token renewal failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      if (refused(error)) {
        host.refused(error);
      } else if (host.current()?.refreshToken) {
        // One report per outage, not one per retry; the user stays until the record's end.
        if (!this.#attempt) host.failed(error);
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.renew().catch(() => {}), backoff(this.#attempt++));
      } else {
        // A silent renewal that failed: the OP has no session for us (or cannot be framed). As
        // before renewal existed, the user stays until the ID token expires ("expired").
        host.failed(error);
      }
      throw error;
    }
  }

  async #renewLocked(stale: string | undefined): Promise<SignedInRecord> {
    const host = this.#host;
    const mine = host.current();
    if (!mine) throw new AqError('AQ_NOT_SIGNED_IN', 'no user is signed in');
    // While this tab waited for the lock, another may have renewed: its record is in storage
    // (or already here, by its storage event). Then the stale token is replaced already.
    const stored = host.stored();
    const base = stored && newer(stored, mine) ? stored : mine;
    if (base.accessToken !== stale && fresh(base)) {
      if (base === mine) this.schedule();
      return base === mine ? mine : this.#take(base);
    }
    let next: SignedInRecord;
    try {
      next = base.refreshToken ? await refreshRecord(await discover(host.config.issuer), host.config, base) : await silently(host);
    } catch (err) {
      // Without the lock (or from a tab that read storage late), the refresh token used may have
      // been rotated by another tab meanwhile: its invalid_grant says nothing about the user.
      const now = host.stored();
      if (refused(err) && now && now.refreshToken !== base.refreshToken && newer(now, base)) return this.#take(now);
      throw err;
    }
    // Another sub is another user (OIDC Core §12.2): whatever the OP means by it, not this session.
    if (next.profile.sub !== mine.profile.sub) {
      throw new AqError('AQ_ID_TOKEN_INVALID', `ID token rejected: the renewal names "sub" "${next.profile.sub}", the signed-in user is "${mine.profile.sub}"`);
    }
    this.#take(next);
    // Hold the lock a moment longer: the other tabs' copies of localStorage are updated
    // asynchronously, and the next holder must read this record, not the one with the refresh
    // token just used up (rotation would take a second use for theft and revoke the grant).
    await new Promise((r) => setTimeout(r, 50));
    return next;
  }

  #take(record: SignedInRecord): SignedInRecord {
    this.#notBefore = Date.now() + MIN_LEFT * 1000;
    this.#host.renewed(record);
    this.schedule();
    return record;
  }

  /** Stops renewing (sign-out, a dropped client). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
