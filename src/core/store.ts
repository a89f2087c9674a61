import type { StorageKind } from './config.js';
import type { IdTokenClaims } from './id-token.js';
import { readVerified } from './id-token.js';
import { recordKey } from './record-key.js';

/** The postal address claim (OIDC Core §5.1.1). */
export interface AqAddress {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

/**
 * Claims of the signed-in user: the validated ID token's, merged with userinfo's. Always has
 * `sub`; the standard claims (OIDC Core §5.1) are typed as the OP sends them, when it does, and
 * any other claim (Authentiq's `aq:*`, an OP's own) is there as `unknown`, to check before use.
 */
export interface AqProfile {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified?: boolean;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: AqAddress;
  /** Seconds since the epoch. */
  updated_at?: number;
  /** Authentiq's geolocation (scope `aq:location`), as Authentiq sends it. */
  'aq:location'?: Record<string, unknown>;
  [claim: string]: unknown;
}

/** What survives a reload while the ID token is unexpired, or while a refresh token may renew it. */
export interface SignedInRecord {
  profile: AqProfile;
  idToken: string;
  accessToken?: string;
  /** `Bearer`, or `DPoP` when the access token is bound to this browser's key (RFC 9449). */
  tokenType?: 'bearer' | 'dpop';
  /** When the access token expires (the token response's `expires_in`), seconds since epoch. */
  accessExpiresAt?: number;
  /** The OP's refresh token: renewal extends the record past `expiresAt` (docs/tokens.md). */
  refreshToken?: string;
  /**
   * ID token `exp`, seconds since epoch: the record is not restored after it, unless it has a
   * refresh token (then only the OP ends it, by refusing a renewal).
   */
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
    typeof r.idToken === 'string' && Number.isFinite(r.expiresAt) &&
    typeof r.profile === 'object' && r.profile !== null && typeof r.profile.sub === 'string'
  );
}

/** The claims of a stored ID token (it was verified before it was stored), or undefined. */
function claimsOf(idToken: string): Partial<IdTokenClaims> | undefined {
  try {
    return readVerified(idToken).claims;
  } catch {
    return undefined;
  }
}

/**
 * A record as it may be trusted: storage is the page's, but a record that outlives its ID token
 * (`expiresAt` of 1e999) or names another user than its token is not one this client stored.
 * With an ID token, the record ends at the token's `exp` at the latest and its `sub` is the token's.
 */
function sane(record: unknown): SignedInRecord | null {
  if (!isRecord(record)) return null;
  if (!record.idToken) return record;
  const claims = claimsOf(record.idToken);
  if (typeof claims?.exp !== 'number' || claims.sub !== record.profile.sub) return null;
  return { ...record, expiresAt: Math.min(record.expiresAt, claims.exp) };
}

/** One signed-in record per issuer and client, in the storage the page chose. */
export function createStore(kind: StorageKind, issuer: string, clientId: string): RecordStore {
  const key = recordKey(issuer, clientId);
  const store = backend(kind);
  return {
    key,
    load() {
      try {
        return sane(JSON.parse(store.getItem(key) ?? 'null'));
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
