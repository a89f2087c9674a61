import { AqError } from '../errors.js';
import { RESERVED_PARAMS } from './config.js';
import type { Answer } from './http.js';
import { isObject, request } from './http.js';

/** What the page's backend answered to the hand-off: the `aq-backend` event's detail. */
export interface BackendAnswer {
  status: number;
  body: unknown;
}

/** A POST of JSON to the page's own backend: same-origin cookies only, never the OP's or a third party's. */
function postJson(url: string, body: unknown): Promise<Answer> {
  return request(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/**
 * Asks the page's backend for extra authorization parameters before a sign-in (e.g. Authsignal's
 * short-lived pre-authorization `token`). The answer must be a JSON object of plain values.
 */
export async function fetchInitParams(initUrl: string, redirectUri: string): Promise<Record<string, string>> {
  let answer: Answer;
  try {
    answer = await postJson(initUrl, { redirect_uri: redirectUri });
  } catch (err) {
    throw new AqError('AQ_INIT_FAILED', `init-url ${initUrl} could not be reached: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!answer.ok) throw new AqError('AQ_INIT_FAILED', `init-url ${initUrl} answered HTTP ${answer.status}`);
  const body = answer.body;
  if (!isObject(body)) throw new AqError('AQ_INIT_FAILED', `init-url ${initUrl} must answer a JSON object`);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    // The backend adds parameters; it cannot replace the ones that protect this request.
    if (RESERVED_PARAMS.has(k)) throw new AqError('AQ_INIT_FAILED', `init-url ${initUrl} may not set "${k}"`);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = String(v);
  }
  return params;
}

/**
 * Hands a validated authorization response to the page's backend, which exchanges the code as a
 * confidential client. Non-2xx and network failures reject with AQ_BACKEND_FAILED.
 */
export async function handOff(backendUrl: string, body: Record<string, string | undefined>): Promise<BackendAnswer> {
  let answer: Answer;
  try {
    answer = await postJson(backendUrl, body);
  } catch (err) {
    throw new AqError('AQ_BACKEND_FAILED', `backend-url ${backendUrl} could not be reached: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
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
