import type * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import type { AqConfig } from './config.js';

// The DPoP key pair (RFC 9449 §2): ES256, made with extractable: false, so that no script (ours,
// the page's, an injected one) can read the private key out of the browser; only use it while on
// the page. It is kept where the tokens bound to it are kept (the `storage` option): a reload
// with a stored user signs with the same key, and a tab whose user is another one (storage
// "session") does not share it. IndexedDB holds a CryptoKey as is, still non-extractable.
const DB = 'aq-signin';
const STORE = 'dpop-keys';
const TAB = 'aq-signin:tab';

/** Handles by slot, for this page's lifetime: a proof then costs one signature, no IndexedDB read. */
const handles = new Map<string, Promise<oauth.DPoPHandle | undefined>>();

/**
 * Where this client's key lives. "memory": nowhere but here (the user does not outlive the page
 * either). "session": per tab, named by an id in sessionStorage, which a duplicated tab copies
 * along with the tokens. "local": one key for the origin's tabs, which share the user.
 */
function slot(config: AqConfig): { name: string; kept: boolean; tab?: boolean } {
  const name = `${config.issuer.href}|${config.clientId}`;
  if (config.storage === 'local') return { name, kept: true };
  try {
    if (config.storage === 'session') {
      let tab = sessionStorage.getItem(TAB);
      if (!tab) sessionStorage.setItem(TAB, (tab = crypto.randomUUID()));
      return { name: `${name}|${tab}`, kept: true, tab: true };
    }
  } catch {
    // No sessionStorage: the user is not kept past the page either.
  }
  return { name: `${name}|memory`, kept: false };
}

/** One transaction on the key store; resolves once it has committed. */
function inStore(mode: IDBTransactionMode, run: (store: IDBObjectStore) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      // Thrown in this handler, an error would leave the promise pending for ever (a database of
      // this name without the store, made by other code of the origin, throws NotFoundError here).
      try {
        const tx = db.transaction(STORE, mode);
        tx.oncomplete = () => (db.close(), resolve());
        tx.onerror = tx.onabort = () => (db.close(), reject(tx.error));
        run(tx.objectStore(STORE));
      } catch (err) {
        db.close();
        reject(err);
      }
    };
  });
}

/** A stored pair, with when a page last used it (per-tab keys only). */
type Kept = CryptoKeyPair & { usedAt?: number };

/** A per-tab key unused this long is of a tab closed long ago (sessionStorage went with it). */
const TAB_KEY_DAYS = 30;

/**
 * The stored pair, or `fresh` stored in its place, in one readwrite transaction: tabs that share
 * a slot (storage "local") take turns on it, so the first pair stored is the one they all sign with.
 * Per-tab pairs are marked used now; making one sweeps those no tab has used for TAB_KEY_DAYS.
 */
async function keep(name: string, tab: boolean, fresh: CryptoKeyPair): Promise<CryptoKeyPair> {
  let pair: Kept | undefined;
  const now = Date.now();
  await inStore('readwrite', (store) => {
    const read = store.get(name);
    read.onsuccess = () => {
      pair = read.result as Kept | undefined;
      if (pair?.privateKey) {
        if (tab) store.put({ ...pair, usedAt: now }, name);
        return;
      }
      store.put((pair = tab ? { ...fresh, usedAt: now } : fresh), name);
      const all = store.openCursor();
      all.onsuccess = () => {
        const cursor = all.result;
        if (!cursor) return;
        const { usedAt } = cursor.value as Kept;
        if (usedAt !== undefined && now - usedAt > TAB_KEY_DAYS * 86_400_000) cursor.delete();
        cursor.continue();
      };
    };
  });
  return { publicKey: pair!.publicKey, privateKey: pair!.privateKey };
}

async function load(config: AqConfig, where: ReturnType<typeof slot>, handle: (pair: CryptoKeyPair) => oauth.DPoPHandle): Promise<oauth.DPoPHandle | undefined> {
  const fresh = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  let pair = fresh;
  if (where.kept) {
    try {
      pair = await keep(where.name, !!where.tab, fresh);
    } catch (err) {
      // No IndexedDB (storage disabled, some private modes): a key that dies with the page would
      // leave the stored user's tokens unusable after a reload. Bearer tokens instead, unless the page
      // asked for DPoP whatever it costs.
      const why = err instanceof Error ? err.message : String(err);
      if (config.dpop === 'required') throw new AqError('AQ_CONFIG_INVALID', `"dpop" is "required" but this browser cannot keep a DPoP key: IndexedDB failed (${why})`, { cause: err });
      console.info(`aq-signin: DPoP is off, this browser cannot keep its key (IndexedDB failed: ${why}); tokens are Bearer.`);
      return undefined;
    }
  }
  return handle(pair);
}

/**
 * The handle for this issuer and client, its key pair made on first use and reused after reloads.
 * `handle` makes it from the pair (oauth4webapi's DPoP(), passed in so that this chunk does not
 * pull oauth4webapi out of the relying party's chunk into one of its own).
 */
export function handleFor(config: AqConfig, make: (pair: CryptoKeyPair) => oauth.DPoPHandle): Promise<oauth.DPoPHandle | undefined> {
  const where = slot(config);
  let handle = handles.get(where.name);
  if (!handle) {
    handle = load(config, where, make);
    handles.set(where.name, handle);
    // A failure is not kept: the next request tries again.
    handle.catch(() => handles.get(where.name) === handle && handles.delete(where.name));
  }
  return handle;
}

/** Deletes the key pair: tokens bound to it die with it, the next sign-in makes a new one. */
export async function dropKey(config: AqConfig): Promise<void> {
  const where = slot(config);
  handles.delete(where.name);
  if (where.kept) await inStore('readwrite', (store) => store.delete(where.name)).catch(() => undefined);
}
