import type { JWTPayload } from 'jose';
import { jwtVerify } from 'jose';
import { CLOCK_TOLERANCE, checkAlgorithms } from './algorithms.js';
import { AqServerError, describe } from './errors.js';
import { loadIssuer, parseIssuer } from './issuer.js';

/**
 * Authsignal-style outcomes of the action behind a sign-in, carried in the access token's
 * `action_state` claim.
 */
export type ActionState = 'CHALLENGE_SUCCEEDED' | 'ALLOW' | 'CHALLENGE_FAILED' | 'BLOCK' | 'CHALLENGE_REQUIRED' | 'REVIEW_REQUIRED';

export interface ActionDecision {
  /** True only for `CHALLENGE_SUCCEEDED` and `ALLOW`. */
  allow: boolean;
  /** The `action_state` claim as found (undefined when missing or not a string). */
  state: string | undefined;
  /** The `action` claim, when the token has one. */
  action: string | undefined;
}

const ALLOWED = new Set(['CHALLENGE_SUCCEEDED', 'ALLOW']);

/**
 * Decides from an access token's (already verified) claims whether the action may go on:
 * `CHALLENGE_SUCCEEDED` or `ALLOW` allow; `CHALLENGE_FAILED`, `BLOCK`, any other state and a
 * missing one deny. Pass claims you trust: use `verifyActionState` for a JWT access token.
 */
export function actionStateDecision(claims: Readonly<Record<string, unknown>>): ActionDecision {
  const state = typeof claims.action_state === 'string' ? claims.action_state : undefined;
  const action = typeof claims.action === 'string' ? claims.action : undefined;
  return { allow: state !== undefined && ALLOWED.has(state), state, action };
}

export interface VerifyAccessTokenOptions {
  /** The OP's issuer URL: the token's `iss`, and whose JWKS (from discovery) checks the signature. */
  issuer: string;
  /**
   * The `aud` the token must contain (the client_id for oidc-provider's JWT access tokens).
   *
   * > [!WARNING]
   * > Without it, a token the OP issued to any other client or resource is accepted too.
   */
  audience?: string;
  /** Accepted signature algorithms; asymmetric only. Default: RS*, PS*, ES*, EdDSA. */
  algorithms?: readonly string[];
}

/**
 * Verifies a JWT access token from the OP (signature against its JWKS with an asymmetric alg,
 * iss, aud when given, exp/nbf) and resolves with its claims. Rejects with `AqServerError`
 * `invalid_token` (or `discovery_failed`).
 */
export async function verifyAccessToken(accessToken: string, options: VerifyAccessTokenOptions): Promise<JWTPayload> {
  const issuer = parseIssuer(options.issuer);
  const algorithms = checkAlgorithms(options.algorithms);
  if (typeof accessToken !== 'string' || accessToken.split('.').length !== 3) {
    throw new AqServerError('invalid_token', 'access token is not a JWS compact JWT');
  }
  const ctx = await loadIssuer(issuer);
  try {
    const { payload } = await jwtVerify(accessToken, ctx.keys, {
      algorithms,
      issuer: ctx.as.issuer,
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE,
    });
    return payload;
  } catch (err) {
    throw new AqServerError('invalid_token', `access token rejected: ${describe(err)}`, { cause: err });
  }
}

/** `verifyAccessToken` then `actionStateDecision`: the Authsignal-style check of a sign-in's access token. */
export async function verifyActionState(accessToken: string, options: VerifyAccessTokenOptions): Promise<ActionDecision & { claims: JWTPayload }> {
  const claims = await verifyAccessToken(accessToken, options);
  return { ...actionStateDecision(claims), claims };
}
