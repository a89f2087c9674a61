// @vitest-environment node
// The API verifier against tokens of a real OP: oidc-provider 9 issues a DPoP-bound RFC 9068 JWT
// access token (client_credentials, the proof made by oauth4webapi as a client would).
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokenVerifier } from './api-token.js';
import type { ApiTokenVerifier } from './api-token.js';
import { AqServerError } from './errors.js';
import type { DPoPOp } from './test-support/dpop-op.js';
import { startDPoPOp } from './test-support/dpop-op.js';

const API = new URL('https://api.example.com/me');

let op: DPoPOp;
let key: CryptoKeyPair;
let token: string;
let verifier: ApiTokenVerifier;

const newKey = () => oauth.generateKeyPair('ES256');

/** The request `protectedResourceRequest` sends with `dpop` (or as Bearer without), as the API receives it. */
async function apiRequest(accessToken: string, dpop?: oauth.DPoPHandle): Promise<Request> {
  let sent: Request | undefined;
  await oauth.protectedResourceRequest(accessToken, 'GET', API, new Headers(), null, {
    ...(dpop ? { DPoP: dpop } : {}),
    [oauth.customFetch]: async (url, init) => {
      sent = new Request(url, { method: init.method, headers: init.headers });
      return new Response('{}');
    },
  });
  return sent!;
}

async function refusal(request: Request): Promise<AqServerError> {
  const err = await verifier.verify(request).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AqServerError);
  return err as AqServerError;
}

beforeAll(async () => {
  op = await startDPoPOp();
  key = await newKey();
  const issuer = new URL(op.issuer);
  const insecure = { [oauth.allowInsecureRequests]: true };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
  const client = { client_id: op.client.id };
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(op.client.secret), { resource: op.audience, scope: 'api:read' }, {
    DPoP: oauth.DPoP({}, key), ...insecure,
  });
  const tokens = await oauth.processClientCredentialsResponse(as, client, response);
  expect(tokens.token_type).toBe('dpop');
  token = tokens.access_token;
  verifier = createApiTokenVerifier({ issuer: op.issuer, audience: op.audience });
}, 20_000);
afterAll(() => op?.close());

describe('createApiTokenVerifier with oidc-provider 9', () => {
  it('accepts its DPoP-bound JWT access token with a proof by the bound key, then refuses that proof again', async () => {
    const request = await apiRequest(token, oauth.DPoP({}, key));
    const result = await verifier.verify(request.clone());
    expect(result).toMatchObject({ tokenType: 'DPoP', claims: { iss: op.issuer, aud: op.audience, client_id: op.client.id, scope: 'api:read' } });
    expect(result.jkt).toBe((result.claims.cnf as { jkt: string }).jkt);
    const replay = await refusal(request);
    expect(replay.code).toBe('invalid_dpop_proof');
    expect(replay.message).toMatch(/used before/);
  });

  it('refuses it as Bearer', async () => {
    const err = await refusal(await apiRequest(token));
    expect(err.code).toBe('invalid_token');
    expect(err.message).toMatch(/DPoP-bound/);
  });

  it('refuses it with a proof by another key', async () => {
    const err = await refusal(await apiRequest(token, oauth.DPoP({}, await newKey())));
    expect(err.code).toBe('invalid_dpop_proof');
    expect(err.message).toMatch(/bound to/);
  });

  it('refuses it for another audience', async () => {
    const other = createApiTokenVerifier({ issuer: op.issuer, audience: 'https://other.example.com' });
    const err = await other.verify(await apiRequest(token, oauth.DPoP({}, key))).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_token', message: expect.stringMatching(/aud/) });
  });
});
