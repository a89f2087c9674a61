import * as oauth from 'oauth4webapi';
import type { AqConfig } from './config.js';
import type { Transaction } from './transaction.js';

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** The S256 challenge needs an async digest, so it is computed ahead of the click (RFC 7636 §4.1-4.2). */
export async function createPkce(): Promise<Pkce> {
  const verifier = oauth.generateRandomCodeVerifier();
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
}

/** A new request's single-use secrets: 32 random bytes each (docs/security.md). */
export function newTransaction(config: AqConfig, codeVerifier: string, display: Transaction['display'] = config.display): Transaction {
  return {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier,
    redirectUri: config.redirectUri,
    responseType: config.responseType,
    responseMode: config.responseMode,
    issuer: config.issuer.href,
    clientId: config.clientId,
    display,
    maxAge: config.maxAge,
    createdAt: Date.now(),
  };
}

/**
 * The authorization request URL (OIDC Core §3.1.2.1); synchronous so the popup opens in the click.
 * oauth4webapi leaves building it to the caller.
 */
export function authorizationUrl(as: oauth.AuthorizationServer, config: AqConfig, tx: Transaction, pkce: Pkce): string {
  const url = new URL(as.authorization_endpoint!);
  const params = url.searchParams;
  for (const [k, v] of Object.entries(config.extraParams)) params.set(k, v);
  params.set('client_id', config.clientId);
  params.set('redirect_uri', tx.redirectUri);
  params.set('response_type', config.responseType);
  // Defaults: query for code, fragment for the rest (Multiple Response Types §2.1, §3). Said
  // whenever tokens come in the front channel: some OPs (Glewlwyd 2.7) answer hybrid requests in
  // the query unless told, and an answer that comes another way than asked is refused.
  if (config.responseType !== 'code' || config.responseMode !== 'query') params.set('response_mode', config.responseMode);
  params.set('scope', config.scope);
  params.set('state', tx.state);
  params.set('nonce', tx.nonce);
  if (config.responseType.includes('code')) {
    params.set('code_challenge', pkce.challenge);
    params.set('code_challenge_method', 'S256');
  }
  return url.href;
}
