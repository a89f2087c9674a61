// @vitest-environment node
// The demo API's GET /api/me through the demo backend, with tokens of the real OPs: the dev OP
// (oidc-provider 6.31) signs the `demo` client in and its JWT access token goes as Bearer;
// oidc-provider 9 issues a DPoP-bound one, sent with an oauth4webapi proof as a page's
// client.fetch() would, and taken from the page and replayed.
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as server from '../../src/server/index.ts';
import { signInAtOp, startDevOp } from '../../src/server/test-support/dev-op.ts';
import { startDPoPOp } from '../../src/server/test-support/dpop-op.ts';
import { CLIENT_ID } from '../op/provider.js';
import { createBackend } from './server.js';

const ME = new URL('http://localhost:5173/api/me');
const insecure = { [oauth.allowInsecureRequests]: true };

let devOp;
let dpopOp;
let backend;

async function discover(issuer) {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, { algorithm: 'oidc', ...insecure }));
}

/** The request `protectedResourceRequest` makes (with a DPoP handle: its proof), answered by the backend. */
async function callMe(accessToken, dpop) {
  let answer;
  await oauth.protectedResourceRequest(accessToken, 'GET', ME, new Headers(), null, {
    ...insecure,
    ...(dpop ? { DPoP: dpop } : {}),
    [oauth.customFetch]: async (url, init) => {
      const request = new Request(url, { method: init.method, headers: init.headers });
      answer = { request, response: await backend.handle(request.clone()) };
      return new Response('{}');
    },
  });
  return answer;
}

beforeAll(async () => {
  [devOp, dpopOp] = await Promise.all([startDevOp(), startDPoPOp()]);
  backend = createBackend(server, {
    issuer: devOp.issuer,
    apiIssuers: [{ issuer: devOp.issuer, audience: CLIENT_ID }, { issuer: dpopOp.issuer, audience: dpopOp.audience, dpop: 'required' }],
  });
}, 20_000);
afterAll(() => Promise.all([devOp?.close(), dpopOp?.close()]));

describe('GET /api/me', () => {
  it('answers the claims of the dev OP\'s access token for the demo client, sent as Bearer', async () => {
    const handoff = await signInAtOp(devOp, CLIENT_ID, 'alice');
    const as = await discover(devOp.issuer);
    const client = { client_id: CLIENT_ID };
    const callback = oauth.validateAuthResponse(as, client, new URLSearchParams({ code: handoff.code, state: handoff.state, iss: handoff.iss }), handoff.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, handoff.redirect_uri, handoff.code_verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: handoff.nonce });
    const { response: me } = await callMe(tokens.access_token);
    const body = await me.json();
    expect(me.status, body.error_description).toBe(200);
    expect(body).toMatchObject({ sub: 'alice', client_id: CLIENT_ID, token_type: 'Bearer', scope: expect.stringContaining('openid') });
    expect(body.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers a DPoP-bound token of oidc-provider 9 with its proof, and refuses the same request replayed', async () => {
    const key = await oauth.generateKeyPair('ES256');
    const as = await discover(dpopOp.issuer);
    const client = { client_id: dpopOp.client.id };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(dpopOp.client.secret), { resource: dpopOp.audience }, {
      DPoP: oauth.DPoP({}, key), ...insecure,
    });
    const { access_token: token } = await oauth.processClientCredentialsResponse(as, client, response);
    const { request, response: me } = await callMe(token, oauth.DPoP({}, key));
    expect(await me.json()).toMatchObject({ sub: dpopOp.client.id, token_type: 'DPoP', jkt: expect.any(String) });
    const replay = await backend.handle(request);
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
    expect(await replay.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    const bearer = (await callMe(token)).response;
    expect(await bearer.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('answers a request without a token with 401 and a challenge', async () => {
    const response = await backend.handle(new Request(ME));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer, DPoP algs=/);
  });
});
