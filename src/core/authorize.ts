import type { AqConfig } from './config.js';
import type { Metadata } from './discovery.js';
import type { Transaction } from './transaction.js';
import { base64url, randomToken } from './transaction.js';

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** The S256 challenge needs an async digest, so it is computed ahead of the click. */
export async function createPkce(): Promise<Pkce> {
  // RFC 7636 §4.1-4.2: 32 random bytes as 43 base64url characters, and their SHA-256.
  const verifier = randomToken();
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

/** The authorization request URL (OIDC Core §3.1.2.1); synchronous so the popup opens in the click. */
export function authorizationUrl(as: Metadata, config: AqConfig, tx: Transaction, pkce: Pkce): string {
  const url = new URL(as.authorization_endpoint);
  const params = url.searchParams;
  for (const [k, v] of Object.entries(config.extraParams)) params.set(k, v);
  params.set('client_id', config.clientId);
  params.set('redirect_uri', tx.redirectUri);
  params.set('response_type', config.responseType);
  const withCode = config.responseType.includes('code');
  // Defaults: query for code, fragment for the rest (Multiple Response Types §2.1, §3); only send a change.
  if (config.responseMode !== (config.responseType === 'code' ? 'query' : 'fragment')) params.set('response_mode', config.responseMode);
  params.set('scope', config.scope);
  params.set('state', tx.state);
  params.set('nonce', tx.nonce);
  if (withCode) {
    params.set('code_challenge', pkce.challenge);
    params.set('code_challenge_method', 'S256');
  }
  return url.href;
}
