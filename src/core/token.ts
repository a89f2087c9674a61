import { AqError } from '../errors.js';
import type { Discovered } from './discovery.js';
import type { Answer } from './http.js';
import { getObject, isObject, request } from './http.js';
import type { IdTokenClaims } from './id-token.js';
import { validateIdToken } from './id-token.js';
import type { Transaction } from './transaction.js';

export interface TokenResult {
  claims: IdTokenClaims;
  idToken: string;
  accessToken: string;
}

function failed(message: string, options?: ConstructorParameters<typeof AqError>[2]): AqError {
  return new AqError('AQ_TOKEN_REQUEST_FAILED', message, options);
}

/**
 * Exchanges the code at the token endpoint as a public client with its PKCE verifier (RFC 6749
 * §4.1.3, RFC 7636 §4.5), then checks the answer (§5.1) and its ID token like every other one.
 */
export async function exchangeCode(d: Discovered, clientId: string, tx: Transaction, code: string): Promise<TokenResult> {
  const url = d.as.token_endpoint;
  let answer: Answer;
  try {
    answer = await request(url, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: tx.redirectUri, code_verifier: tx.codeVerifier, client_id: clientId }),
    });
  } catch (err) {
    throw failed(`token request to ${url} failed: ${(err as Error).message}`, { cause: err });
  }
  const body = answer.body;
  if (!answer.ok) {
    // RFC 6749 §5.2: the OP says why in "error"; anything else is reported by its HTTP status.
    const { error, error_description } = isObject(body) ? body : {};
    if (typeof error !== 'string') throw failed(`token endpoint ${url} answered HTTP ${answer.status}`);
    const description = typeof error_description === 'string' ? error_description : undefined;
    throw failed(`token endpoint refused the code: ${error}${description ? ` (${description})` : ''}`, { error, errorDescription: description });
  }
  if (!isObject(body)) throw failed(`token response from ${url} is not a JSON object`);
  for (const member of ['access_token', 'token_type', 'id_token']) {
    if (typeof body[member] !== 'string' || !body[member]) throw failed(`token response from ${url} has no "${member}"`);
  }
  // A DPoP or other token type would need proof this client does not send (RFC 6750, RFC 9449).
  if ((body.token_type as string).toLowerCase() !== 'bearer') throw failed(`token response has "token_type" "${body.token_type}", expected "Bearer"`);
  const accessToken = body.access_token as string;
  const idToken = body.id_token as string;
  const claims = await validateIdToken(d, idToken, { clientId, nonce: tx.nonce, maxAge: tx.maxAge, accessToken, front: false });
  return { claims, idToken, accessToken };
}

/**
 * The userinfo claims (OIDC Core §5.3). Their "sub" must equal the ID token's (§5.3.4), or they
 * are someone else's. A signed or encrypted userinfo answer is not JSON and is refused.
 */
export async function fetchUserinfo(d: Discovered, accessToken: string, sub: string): Promise<Record<string, unknown>> {
  const url = d.as.userinfo_endpoint!;
  try {
    const claims = await getObject(url, { authorization: `Bearer ${accessToken}` });
    if (claims.sub !== sub) throw new Error(`its "sub" ${JSON.stringify(claims.sub)} is not the ID token's "${sub}"`);
    return claims;
  } catch (err) {
    throw new AqError('AQ_USERINFO_FAILED', `userinfo at ${url} failed: ${(err as Error).message}`, { cause: err });
  }
}
