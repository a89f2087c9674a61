/** One pending authorization request. Used once: taken out of storage before it is checked. */
export interface Transaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** The response is checked against what was asked, not against the page's configuration now. */
  responseType: string;
  /** Where the answer must come: query, or fragment (also form_post, through the backend's 303). */
  responseMode?: string;
  issuer: string;
  clientId: string;
  /** `iframe`: a silent `prompt=none` re-check of the session. */
  display: 'popup' | 'redirect' | 'iframe';
  maxAge?: number;
  /** Made while another OP's client shared the redirect URI: the response must carry RFC 9207 "iss". */
  requireIss?: boolean;
  /** ms since epoch, for expiry of abandoned requests. */
  createdAt: number;
}

const PREFIX = 'aq-signin:tx:';
/** A sign-in the user abandoned at the OP is not worth keeping longer than this. */
const MAX_AGE_MS = 30 * 60 * 1000;

function storage(tx: Pick<Transaction, 'display'>): Storage {
  // A redirect comes back in the same tab: sessionStorage. A popup is another tab, which may not
  // share sessionStorage with us (it gets a copy at open time, or none if COOP severed it), so the
  // popup sees only a marker in localStorage and the secrets stay in the opener's memory. Same
  // for the hidden iframe of a silent re-check.
  return tx.display === 'redirect' ? sessionStorage : localStorage;
}

/**
 * Forgets requests older than MAX_AGE_MS, and anything unreadable under our prefix: a sign-in
 * abandoned at the OP (popup closed by the browser, tab closed mid-redirect) leaves its entry
 * behind, and localStorage keeps popup markers forever.
 */
function sweep(store: Storage): void {
  try {
    for (const key of Object.keys(store)) {
      if (!key.startsWith(PREFIX)) continue;
      let createdAt = 0;
      try {
        createdAt = (JSON.parse(store.getItem(key) ?? '{}') as Partial<Transaction>).createdAt ?? 0;
      } catch {
        // Unreadable: swept.
      }
      if (!(Date.now() - createdAt <= MAX_AGE_MS)) store.removeItem(key);
    }
  } catch {
    // Storage off: nothing was kept either.
  }
}

/** Remembers a pending request. Popups store only their state (a marker), never the verifier. */
export function saveTransaction(tx: Transaction): void {
  sweep(sessionStorage);
  sweep(localStorage);
  const value = tx.display === 'redirect' ? JSON.stringify(tx) : JSON.stringify({ display: tx.display, createdAt: tx.createdAt });
  storage(tx).setItem(PREFIX + tx.state, value);
}

/** True when `state` belongs to a popup or iframe request made by a page of this origin. */
export function isPopupState(state: string): boolean {
  return safeGet(localStorage, PREFIX + state) !== null;
}

export function dropTransaction(tx: Pick<Transaction, 'state' | 'display'>): void {
  storage(tx).removeItem(PREFIX + tx.state);
}

/**
 * Takes the redirect transaction for `state` out of storage, so that a reloaded or replayed
 * callback URL finds nothing. `mine` lets several clients on one page leave each other's alone.
 */
export function takeRedirectTransaction(state: string, mine: (tx: Transaction) => boolean): Transaction | 'unknown' | 'other' {
  const raw = safeGet(sessionStorage, PREFIX + state);
  if (raw === null) return 'unknown';
  let tx: Transaction;
  try {
    tx = JSON.parse(raw) as Transaction;
  } catch {
    tx = { createdAt: 0 } as Transaction;
  }
  if (tx.createdAt && !mine(tx)) return 'other';
  sessionStorage.removeItem(PREFIX + state);
  return Date.now() - tx.createdAt > MAX_AGE_MS ? 'unknown' : tx;
}

function safeGet(store: Storage, key: string): string | null {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}
