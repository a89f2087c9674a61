import { describe, expect, it } from 'vitest';
import type { Discovered } from './oauth.js';
import { validateCodeResponse } from './response.js';
import { RP } from './test-support/signer.js';
import type { Transaction } from './transaction.js';

const ISSUER = 'https://op.example';
const d = (extra: Record<string, unknown> = {}): Discovered => ({
  as: { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks`, ...extra },
  jwks: { jwks: { keys: [] }, uat: 0 },
  insecure: false,
});
const tx = { state: 'S', nonce: 'n', codeVerifier: 'v', redirectUri: 'https://rp.example/', responseType: 'code' } as Transaction;

function check(query: string, discovered = d(), transaction = tx): string {
  try {
    const valid = validateCodeResponse(discovered, RP, new URLSearchParams(query), transaction);
    return `ok ${valid.code}`;
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
}

describe('validateCodeResponse', () => {
  it('accepts its own state, with or without iss, and hands on the code', () => {
    expect(check('code=c&state=S')).toBe('ok c');
    expect(check('code=c&state=S&iss=https%3A%2F%2Fop.example')).toBe('ok c');
  });

  it('refuses another state, a missing one, and a parameter given twice', () => {
    expect(check('code=c&state=T')).toMatch(/^AQ_STATE_INVALID .*"state"/);
    expect(check('code=c')).toMatch(/^AQ_STATE_INVALID/);
    expect(check('code=c&state=S&code=d')).toMatch(/^AQ_RESPONSE_INVALID .*"code" appears more than once/);
    expect(check('code=c&state=S&session_state=a&session_state=b')).toMatch(/^AQ_RESPONSE_INVALID .*"session_state" appears more than once/);
  });

  it('RFC 9207: refuses another iss, and a missing one when the OP advertises it', () => {
    expect(check('code=c&state=S&iss=https%3A%2F%2Fop.attacker.example')).toMatch(/^AQ_RESPONSE_INVALID .*"iss"/);
    expect(check('code=c&state=S', d({ authorization_response_iss_parameter_supported: true }))).toMatch(/^AQ_RESPONSE_INVALID .*"iss"/);
  });

  it("reports the OP's error with its words, after the state check", () => {
    const err = (() => {
      try {
        validateCodeResponse(d(), RP, new URLSearchParams('error=access_denied&error_description=no&state=S'), tx);
      } catch (e) {
        return e as { code: string; message: string; error?: string; errorDescription?: string };
      }
    })();
    expect(err).toMatchObject({ code: 'AQ_AUTHORIZATION_ERROR', error: 'access_denied', errorDescription: 'no' });
    expect(err?.message).toMatch(/"access_denied": no/);
    expect(check('error=access_denied&state=T')).toMatch(/^AQ_STATE_INVALID/);
  });

  it('refuses a response without what response_type promised', () => {
    expect(check('state=S&access_token=a', d(), { ...tx, responseType: 'code token' })).toMatch(/^AQ_RESPONSE_INVALID .*no "code"/);
    expect(check('code=c&state=S', d(), { ...tx, responseType: 'code token' })).toMatch(/^AQ_RESPONSE_INVALID .*no "access_token"/);
  });
});
