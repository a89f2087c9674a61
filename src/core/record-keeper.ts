import type { AqConfig } from './config.js';
import type { RecordStore, SignedInRecord } from './store.js';
import { createStore } from './store.js';

/** setTimeout's ceiling (about 24.8 days); longer ID token lifetimes are re-armed on reload. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export interface RecordEvents {
  /** The record's ID token has expired while kept. */
  expired(): void;
  /** Another tab of the app signed out. */
  signedOutElsewhere(): void;
  /** Another tab (or client of this page) stored a user: look in storage. */
  signedInElsewhere(): void;
  /** Another tab (storage "local") stored new tokens for the user kept here. */
  renewedElsewhere(): void;
}

/**
 * Who is signed in, for one issuer and client: the record in memory and in the page's chosen
 * storage, the timer that ends it when its ID token expires, and what the app's other tabs say.
 */
export class RecordKeeper {
  #store: RecordStore;
  #record: SignedInRecord | null = null;
  #expiry?: ReturnType<typeof setTimeout>;
  #tabs?: BroadcastChannel;
  #on: RecordEvents;
  #storage: AqConfig['storage'];

  constructor(config: AqConfig, on: RecordEvents) {
    this.#on = on;
    this.#storage = config.storage;
    this.#store = createStore(config.storage, config.issuer.href, config.clientId);
    // The app's tabs agree on sign-out (and, with shared storage, on sign-in) over a same-origin
    // BroadcastChannel: only pages of this origin can post to it, and a tab never hears itself.
    if (typeof BroadcastChannel === 'function') {
      this.#tabs = new BroadcastChannel(`aq-signin:tabs:${config.issuer.href}|${config.clientId}`);
      this.#tabs.onmessage = (e: MessageEvent) => {
        const type = (e.data as { type?: unknown } | null)?.type;
        if (type === 'signed-out') on.signedOutElsewhere();
        else if (type === 'signed-in') on.signedInElsewhere();
      };
    }
    // Another tab's localStorage write can reach this process after its channel message: the
    // storage event comes when the record is really readable here.
    if (config.storage === 'local') window.addEventListener('storage', this.#onStorage);
  }

  #onStorage = (e: StorageEvent) => {
    if (e.key !== this.#store.key || !e.newValue) return;
    if (!this.#record) this.#on.signedInElsewhere();
    else if (e.newValue !== JSON.stringify(this.#record)) this.#on.renewedElsewhere();
  };

  get record(): SignedInRecord | null {
    return this.#record;
  }

  /**
   * Keeps `record` as the signed-in user, until its ID token expires (with a refresh token, until
   * a renewal is refused: no timer); `tell` the other tabs.
   */
  keep(record: SignedInRecord, tell: boolean, watchExpiry = true): void {
    this.#record = record;
    this.#store.save(record);
    clearTimeout(this.#expiry);
    // The local clock here and in load(), without clockSkew or clockTolerance: those correct how
    // an OP's timestamps are read while its tokens are checked. expiresAt may be the backend's
    // expires_at, the record is shared by every client of this issuer and client_id whatever its
    // clock settings, and it only says how long the page shows the user as signed in: a device
    // running slow shows them up to its skew past exp (the APIs check their tokens themselves),
    // one running fast signs them out early.
    const ms = record.expiresAt * 1000 - Date.now();
    if (ms < MAX_TIMEOUT && watchExpiry && !record.refreshToken) this.#expiry = setTimeout(() => this.#on.expired(), ms);
    if (tell) this.#tabs?.postMessage({ type: 'signed-in' });
  }

  /** Forgets the user here and in storage; returns who it was. */
  drop(tell: boolean): SignedInRecord | null {
    const was = this.#record;
    clearTimeout(this.#expiry);
    this.#store.clear();
    this.#record = null;
    if (tell) this.#tabs?.postMessage({ type: 'signed-out' });
    return was;
  }

  /** The stored record as it is, without removing anything: another tab may just have written it. */
  peek(): SignedInRecord | null {
    return this.#store.load();
  }

  /**
   * The stored record; 'expired' (and removed) when its ID token has expired and no refresh
   * token can renew it.
   */
  load(): SignedInRecord | 'expired' | null {
    const record = this.#store.load();
    if (!record || record.refreshToken || record.expiresAt * 1000 > Date.now()) return record;
    this.#store.clear();
    return 'expired';
  }

  /** Stops the timer and listening to other tabs; the stored record stays. */
  close(): void {
    clearTimeout(this.#expiry);
    this.#tabs?.close();
    // A client dropped mid-sign-in still keeps its user: posting then must not throw.
    this.#tabs = undefined;
    if (this.#storage === 'local') window.removeEventListener('storage', this.#onStorage);
  }
}
