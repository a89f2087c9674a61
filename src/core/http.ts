/** What an HTTP request answered: the body parsed as JSON when it is JSON, else its text. */
export interface Answer {
  ok: boolean;
  status: number;
  body: unknown;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One request that asks for JSON; network failures reject, HTTP errors resolve with `ok: false`. */
export async function request(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: kept as text for the caller's message or the page.
  }
  return { ok: response.ok, status: response.status, body };
}

/** A GET that must answer 2xx with a JSON object (discovery, JWKS, userinfo); the error says why not. */
export async function getObject(url: string, headers?: Record<string, string>): Promise<Record<string, unknown>> {
  const answer = await request(url, { headers });
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
  if (!isObject(answer.body)) throw new Error('the answer is not a JSON object');
  return answer.body;
}
