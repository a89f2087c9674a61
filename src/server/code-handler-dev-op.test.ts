// @vitest-environment node
// createCodeHandler's `idTokenSignedResponseAlg: 'none'` against the real dev OP (oidc-provider
// 6.31, demo/op/provider.js) configured as Authentiq is: a confidential client registered with
// id_token_signed_response_alg "none", and "none" in the OP's discovery document. The dev OP's
// login and consent pages are driven over HTTP (fetch + a cookie jar), no browser.
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignInResult } from './code-handler.js';
import { createCodeHandler } from './code-handler.js';
import type { DevOp } from './test-support/dev-op.js';
import { UNSIGNED_CLIENT, signInAtOp, startDevOp } from './test-support/dev-op.js';

let op: DevOp;
beforeAll(async () => {
  op = await startDevOp();
});
afterAll(() => op?.close());

const post = (body: unknown) => new Request('http://localhost:5173/api/auth/code', {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

const options = { clientId: UNSIGNED_CLIENT.id, clientSecret: UNSIGNED_CLIENT.secret, clientAuth: 'client_secret_basic' as const };

describe('idTokenSignedResponseAlg "none" against the dev OP (oidc-provider 6.31)', () => {
  it('signs in with the unsigned ID token the OP issues for the client registered that way', async () => {
    let seen: SignInResult | undefined;
    const handler = createCodeHandler({ issuer: op.issuer, ...options, idTokenSignedResponseAlg: 'none', onSignIn: (r) => { seen = r; } });
    const res = await handler(post(await signInAtOp(op, UNSIGNED_CLIENT.id, 'alice')));
    const body = await res.json();
    expect(res.status, body.error_description).toBe(200);
    expect(body.profile).toMatchObject({ sub: 'alice', email: 'alice@example.com' });
    // The premise: the OP really sent it unsigned, and its userinfo was fetched for the same sub.
    expect(decodeProtectedHeader(seen!.tokens.id_token!).alg).toBe('none');
    expect(seen?.userinfo).toMatchObject({ sub: 'alice' });
  });

  it('refuses the same sign-in without the option, although the OP\'s discovery lists "none"', async () => {
    const discovery = await (await fetch(new URL('/.well-known/openid-configuration', op.issuer))).json();
    expect(discovery.id_token_signing_alg_values_supported).toContain('none');
    const handler = createCodeHandler({ issuer: op.issuer, ...options });
    const res = await handler(post(await signInAtOp(op, UNSIGNED_CLIENT.id, 'bob')));
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('id_token_invalid');
  });
});
