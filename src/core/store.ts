import type { StorageKind } from './config.js';

/** Claims of the signed-in user: the validated ID token's, merged with userinfo's. Always has `sub`. */
export interface AqProfile {
  sub: string;
  [claim: string]: unknown;
}

/** What survives a reload while the ID token is unexpired. */
export interface SignedInRecord {
  profile: AqProfile;
  idToken: string;
  accessToken?: string;
  /** ID token `exp`, seconds since epoch: the record is not restored after it. */
  expiresAt: number;
  /** OIDC Session Management `session_state` of the response, for the session monitor. */
  sessionState?: string;
}

export interface RecordStore {
  /** The storage key, for `storage` events from other tabs. */
  readonly key: string;
  load(): SignedInRecord | null;
  save(record: SignedInRecord): void;
  clear(): void;
}

// "memory" outlives the element (it may be re-rendered) but not the page.
const memory = new Map<string, string>();

function backend(kind: StorageKind): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  if (kind === 'session') return sessionStorage;
  if (kind === 'local') return localStorage;
  return {
    getItem: (k) => memory.get(k) ?? null,
    setItem: (k, v) => void memory.set(k, v),
    removeItem: (k) => void memory.delete(k),
  };
}

function isRecord(value: unknown): value is SignedInRecord {
  const r = value as SignedInRecord | null;
  return (
    typeof r === 'object' && r !== null &&
    typeof r.idToken === 'string' && typeof r.expiresAt === 'number' &&
    typeof r.profile === 'object' && r.profile !== null && typeof r.profile.sub === 'string'
  );
}

/** One signed-in record per issuer and client, in the storage the page chose. */
export function createStore(kind: StorageKind, issuer: string, clientId: string): RecordStore {
  const key = `aq-signin:user:${issuer}|${clientId}`;
  const store = backend(kind);
  return {
    key,
    load() {
      try {
        const value: unknown = JSON.parse(store.getItem(key) ?? 'null');
        return isRecord(value) ? value : null;
      } catch {
        return null;
      }
    },
    save(record) {
      store.setItem(key, JSON.stringify(record));
    },
    clear() {
      store.removeItem(key);
    },
  };
}
