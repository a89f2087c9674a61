// A DPoP-bound token taken out of the page and replayed from Node against an API is refused: the
// API is the demo backend's GET /api/me (demo/backend/api.js, `createApiTokenVerifier` with
// dpop: 'required'), served on a free port of its own with CORS for the e2e pages' origin, and the
// tokens are the tokens OP's JWTs for that API (client `tokens-api`).
import http from 'node:http';
import { expect } from '@playwright/test';
import * as oauth from 'oauth4webapi';
import { freePort } from '../scripts/free-port.mjs';
import * as server from '../src/server/index.js';
import { toNodeHandler } from '../src/server/node.js';
// @ts-expect-error plain JS
import { createApi } from '../demo/backend/api.js';
// @ts-expect-error plain JS OP
import { API_RESOURCE, startTokensOp } from './ops/tokens-op.js';
import { openSignin, signInWithPopup, test } from './fixtures';

const PAGE_ORIGIN = 'http://localhost:5174';

/** What the API was sent, in order: the credentials of each request and its answer. */
interface ApiRequest { authorization?: string; dpop?: string; status: number }
let op: { issuer: string; close(): Promise<void> };
let api: { url: string; requests: ApiRequest[]; close(): Promise<void> };

/**
 * The API on 127.0.0.1: `createApi` as the demo backend mounts it, behind the Node adapter. CORS
 * for the page, whose `Authorization` and `DPoP` headers make every call preflighted, and whose
 * fetch() must read `WWW-Authenticate` to react to a challenge.
 */
async function startApi(issuer: string) {
  const port = await freePort();
  const me = createApi(server, { issuers: [{ issuer, audience: API_RESOURCE, dpop: 'required' }] });
  const requests: ApiRequest[] = [];
  const node = toNodeHandler(async (request) => {
    const response: Response = await me(request);
    requests.push({ authorization: request.headers.get('authorization') ?? undefined, dpop: request.headers.get('dpop') ?? undefined, status: response.status });
    response.headers.set('access-control-allow-origin', PAGE_ORIGIN);
    response.headers.set('access-control-expose-headers', 'www-authenticate, dpop-nonce');
    return response;
  });
  const httpServer = http.createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': PAGE_ORIGIN,
        'access-control-allow-methods': 'GET',
        'access-control-allow-headers': 'authorization, dpop',
      });
      res.end();
      return;
    }
    void node(req, res);
  });
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${port}/api/me`,
    requests,
    close: () => new Promise<void>((resolve) => {
      httpServer.close(() => resolve());
      httpServer.closeAllConnections();
    }),
  };
}

test.beforeAll(async () => {
  op = await startTokensOp({ port: await freePort(), rpOrigins: [PAGE_ORIGIN] });
  api = await startApi(op.issuer);
});
test.afterAll(async () => {
  await api?.close();
  await op?.close();
});

/** The API's answer to a call from Node: status and the error it named, with oauth4webapi's proof when `dpop` is given. */
async function callFromNode(token: string, dpop?: oauth.DPoPHandle): Promise<{ status: number; error?: string }> {
  try {
    const response = await oauth.protectedResourceRequest(token, 'GET', new URL(api.url), new Headers(), null, { DPoP: dpop, [oauth.allowInsecureRequests]: true });
    return { status: response.status };
  } catch (err) {
    if (!(err instanceof oauth.WWWAuthenticateChallengeError)) throw err;
    return { status: err.response.status, error: (await err.response.json()).error };
  }
}

test('the page calls the API with its DPoP-bound token; the token, bare, with another key\'s proof, or replayed with its own proof, is refused', async ({ page }) => {
  await openSignin(page, { issuer: op.issuer, 'client-id': 'tokens-api', scope: 'openid api:read', 'api-origins': new URL(api.url).origin });
  await signInWithPopup(page, 'trudy');
  const token = await page.evaluate(() => document.querySelector('aq-signin')!.accessToken!);

  // (a) The page's own call: a proof of its key, accepted.
  const from = api.requests.length;
  const answer = await page.evaluate((url) => document.querySelector('aq-signin')!.fetch(url).then(async (r) => ({ status: r.status, body: await r.json() })), api.url);
  expect(answer, JSON.stringify(answer.body)).toMatchObject({ status: 200, body: { sub: 'trudy', client_id: 'tokens-api', token_type: 'DPoP', scope: 'api:read' } });
  const sent = api.requests.slice(from);
  expect(sent).toEqual([expect.objectContaining({ authorization: `DPoP ${token}`, dpop: expect.any(String), status: 200 })]);
  // The key it proved is the one the OP bound the token to.
  expect(answer.body.jkt).toBe(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).cnf.jkt);

  // (b) The token read out of the page, from Node: as Bearer, and with a proof of the thief's own key.
  expect(await callFromNode(token)).toEqual({ status: 401, error: 'invalid_token' });
  const thief = oauth.DPoP({}, await oauth.generateKeyPair('ES256'));
  expect(await callFromNode(token, thief)).toEqual({ status: 401, error: 'invalid_dpop_proof' });

  // (c) The page's request as it went (token and its proof, fresh), sent again from Node.
  const replay = await fetch(api.url, { headers: { authorization: sent[0]!.authorization!, dpop: sent[0]!.dpop! } });
  expect(replay.status).toBe(401);
  expect(await replay.json()).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringContaining('used before') });
});
