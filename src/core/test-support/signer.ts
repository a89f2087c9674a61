// Unit tests only: an OP's signing key and ID tokens made with jose, so that the relying party's
// checks run on real signatures (the e2e hostile OP does the same in the browser).
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Discovered, RelyingParty } from '../oauth.js';

export const ISSUER = 'https://op.example';
/** The relying party the test OP's tokens are for, with the default clock settings. */
export const RP: RelyingParty = { clientId: 'app', clockSkew: 0, clockTolerance: 30 };

export interface TestOp {
  d: Discovered;
  /** An ID token for client "app", signed by the published key unless `key` says otherwise. */
  idToken(claims?: Record<string, unknown>, key?: 'published' | 'attacker'): Promise<string>;
  /** A left-half SHA-256 hash, as at_hash and c_hash are written. */
  halfHash(value: string): Promise<string>;
}

export async function testOp(kid = 'k1'): Promise<TestOp> {
  const published = await generateKeyPair('RS256', { extractable: true });
  const attacker = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(published.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const now = Math.floor(Date.now() / 1000);
  return {
    d: {
      as: { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks`, userinfo_endpoint: `${ISSUER}/me` },
      jwks: { jwks: { keys: [jwk] }, uat: now },
      insecure: false,
    },
    idToken: (claims = {}, key = 'published') =>
      new SignJWT({ iss: ISSUER, sub: 'alice', aud: 'app', iat: now, exp: now + 300, nonce: 'n', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid })
        .sign((key === 'published' ? published : attacker).privateKey),
    halfHash: async (value) => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))).subarray(0, 16).toString('base64url'),
  };
}
