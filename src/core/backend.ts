import { AqError, toAqError } from '../errors.js';
import type { extraParamsOf } from './config.js';
import type { IdTokenClaims } from './id-token.js';
import type { AqProfile, SignedInRecord } from './store.js';
import type { Transaction } from './transaction.js';

/** What the page's backend answered to the hand-off: the `aq-backend` event's detail. */
export interface BackendAnswer {
  status: number;
  body: unknown;
}

interface Answer {
  ok: boolean;
  status: number;
  body: unknown;
}

/**
 * A POST of JSON to the page's own backend: same-origin cookies only, never the OP's or a third
 * party's. HTTP errors resolve (the body, JSON when it is, tells why); network failures reject.
 */
async function postJson(url: string, body: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: kept as text for the page.
  }
  return { ok: response.ok, status: response.status, body: parsed };
}

/**
 * Asks the page's backend for extra authorization parameters before a sign-in (e.g. Authsignal's
 * short-lived pre-authorization `token`). The answer must be a JSON object; `toParams` (config.ts's
 * `extraParamsOf`, passed in so that this module imports nothing of the relying party's chunk)
 * holds it to auth-params' rules, leaving out what is not a plain value.
 */
export async function fetchInitParams(initUrl: string, redirectUri: string, toParams: typeof extraParamsOf): Promise<Record<string, string>> {
  let answer: Answer;
  try {
    answer = await postJson(initUrl, { redirect_uri: redirectUri });
  } catch (err) {
    throw toAqError(err, 'AQ_INIT_FAILED', `init-url ${initUrl} could not be reached`);
  }
  if (!answer.ok) throw new AqError('AQ_INIT_FAILED', `init-url ${initUrl} answered HTTP ${answer.status}`);
  return toParams(answer.body, (problem) => new AqError('AQ_INIT_FAILED', `init-url ${initUrl}: its answer ${problem}`), true);
}

/**
 * Hands a validated authorization response to the page's backend, which exchanges the code as a
 * confidential client. Non-2xx and network failures reject with AQ_BACKEND_FAILED.
 */
async function handOff(backendUrl: string, body: Record<string, string | undefined>): Promise<BackendAnswer> {
  let answer: Answer;
  try {
    answer = await postJson(backendUrl, body);
  } catch (err) {
    throw toAqError(err, 'AQ_BACKEND_FAILED', `backend-url ${backendUrl} could not be reached`);
  }
  if (!answer.ok) {
    const detail = (answer.body as { error?: unknown } | null)?.error;
    throw new AqError('AQ_BACKEND_FAILED', `backend-url ${backendUrl} answered HTTP ${answer.status}${typeof detail === 'string' ? ` (${detail})` : ''}`, {
      error: typeof detail === 'string' ? detail : undefined,
      status: answer.status,
    });
  }
  return { status: answer.status, body: answer.body };
}

/**
 * The backend exchanges the code (as a confidential client); the browser has already checked
 * state, iss and any front-channel ID token (`claims`). `answered` gets the backend's answer (the
 * `aq-backend` event); a `profile` in it signs the user in here, else null.
 */
export async function handOffResponse(
  backendUrl: string,
  params: URLSearchParams,
  tx: Transaction,
  claims: IdTokenClaims | undefined,
  answered: (answer: BackendAnswer) => void,
): Promise<SignedInRecord | null> {
  const answer = await handOff(backendUrl, {
    code: params.get('code') ?? undefined,
    state: tx.state,
    iss: params.get('iss') ?? undefined,
    redirect_uri: tx.redirectUri,
    code_verifier: tx.codeVerifier,
    nonce: tx.nonce,
    id_token: params.get('id_token') ?? undefined,
  });
  answered(answer);
  const body = answer.body as { profile?: AqProfile; id_token?: unknown; expires_at?: unknown } | null;
  const profile = body?.profile;
  if (typeof profile !== 'object' || profile === null || typeof profile.sub !== 'string') return null;
  if (claims && profile.sub !== claims.sub) {
    throw new AqError('AQ_BACKEND_FAILED', `backend-url ${backendUrl} answered a profile for "${profile.sub}" but the ID token is for "${claims.sub}"`);
  }
  return {
    profile,
    idToken: typeof body!.id_token === 'string' ? body!.id_token : (params.get('id_token') ?? ''),
    // The backend's session lifetime if it says, else the ID token's, else an hour.
    expiresAt: typeof body!.expires_at === 'number' ? body!.expires_at : (claims?.exp ?? Math.floor(Date.now() / 1000) + 3600),
    sessionState: params.get('session_state') ?? undefined,
  };
}
