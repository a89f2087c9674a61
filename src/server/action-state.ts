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
   * The `aud` the token must contain: your client_id for oidc-provider's JWT access tokens, else
   * the resource indicator your API is registered as. Required: without it a token the OP issued
   * to any other client or resource would do.
   */
  audience: string;
  /**
   * The `sub` the token must name: the user this request acts for (the `sub` of the ID token of
   * the same sign-in, or of your session). Without it a token of another user of the OP is
   * accepted.
   */
  subject?: string;
  /**
   * The oldest token accepted, in seconds since its `iat` (the token must then carry `iat`), for
   * checks that stand for one fresh step such as an action's challenge.
   */
  maxTokenAge?: number;
  /** Accepted signature algorithms; asymmetric only. Default: RS*, PS*, ES*, EdDSA. */
  algorithms?: readonly string[];
}

export interface VerifyActionStateOptions extends VerifyAccessTokenOptions {
  /**
   * The action this check guards (`signIn`, `withdraw`…): the token's `action` claim must equal
   * it, so the outcome of a challenge for one action never lets another one through.
   */
  expectedAction: string;
}

// OIDC Core §2, §3.1.3.6, §3.3.2.11 and FAPI's s_hash: claims only an ID token carries.
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'];

function checkOptions(options: VerifyAccessTokenOptions, fn: string): { issuer: URL; algorithms: string[] } {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options are required`);
  const issuer = parseIssuer(options.issuer);
  const algorithms = checkAlgorithms(options.algorithms);
  if (typeof options.audience !== 'string' || !options.audience) throw new TypeError(`${fn}: "audience" is required`);
  if (options.subject !== undefined && (typeof options.subject !== 'string' || !options.subject)) {
    throw new TypeError(`${fn}: "subject" must be a non-empty string, got ${JSON.stringify(options.subject)}`);
  }
  const age = options.maxTokenAge;
  if (age !== undefined && (typeof age !== 'number' || !Number.isFinite(age) || age <= 0)) {
    throw new TypeError(`${fn}: "maxTokenAge" must be a positive number of seconds, got ${JSON.stringify(age)}`);
  }
  return { issuer, algorithms };
}

/**
 * The token type. RFC 9068 §4: a JWT access token is typed `at+jwt`; anything else typed (an ID
 * token `id_token+jwt`, a logout token `logout+jwt`) is not an access token. OPs from before RFC
 * 9068 (oidc-provider 6's `jwt` format) type every JWT with the generic `JWT`, and some send no
 * `typ`: those are accepted, and an ID token among them is known by its ID-token-only claims.
 */
function checkType(typ: unknown, claims: JWTPayload): void {
  const type = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (type !== undefined && type !== 'at+jwt' && type !== 'jwt') {
    throw new AqServerError('invalid_token', `access token rejected: "typ" must be "at+jwt", got ${JSON.stringify(typ)}`);
  }
  const idClaim = ID_TOKEN_CLAIMS.find((name) => name in claims);
  if (type !== 'at+jwt' && idClaim) {
    throw new AqServerError('invalid_token', `access token rejected: it carries "${idClaim}", an ID token claim: an ID token is not an access token`);
  }
}

async function verify(accessToken: string, options: VerifyAccessTokenOptions, issuer: URL, algorithms: string[]): Promise<JWTPayload> {
  if (typeof accessToken !== 'string' || accessToken.split('.').length !== 3) {
    throw new AqServerError('invalid_token', 'access token is not a JWS compact JWT');
  }
  const ctx = await loadIssuer(issuer);
  let result: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    result = await jwtVerify(accessToken, ctx.keys, {
      algorithms,
      issuer: ctx.as.issuer,
      audience: options.audience,
      ...(options.subject !== undefined ? { subject: options.subject } : {}),
      ...(options.maxTokenAge !== undefined ? { maxTokenAge: options.maxTokenAge } : {}),
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE,
    });
  } catch (err) {
    throw new AqServerError('invalid_token', `access token rejected: ${describe(err)}`, { cause: err });
  }
  checkType(result.protectedHeader.typ, result.payload);
  return result.payload;
}

/**
 * Verifies a JWT access token from the OP (signature against its JWKS with an asymmetric alg,
 * iss, aud, exp/nbf, `sub` and age when asked, and that it is an access token: RFC 9068 `typ`, no
 * ID token) and resolves with its claims. Bad options throw TypeError at once; a token that fails
 * rejects with `AqServerError` `invalid_token` (or `discovery_failed`).
 */
export function verifyAccessToken(accessToken: string, options: VerifyAccessTokenOptions): Promise<JWTPayload> {
  const { issuer, algorithms } = checkOptions(options, 'verifyAccessToken');
  return verify(accessToken, options, issuer, algorithms);
}

/**
 * `verifyAccessToken`, then the token must be for `expectedAction`, then `actionStateDecision`:
 * the Authsignal-style check of an action's access token. A token that is not valid evidence
 * about this action (signature, aud, sub, age, type, another action) rejects with
 * `AqServerError` `invalid_token`; a valid one resolves, and `allow` says what the OP decided.
 *
 * Single use: the result says the challenge passed, not that this is its first use. When the
 * token comes straight from your own code exchange (`createCodeHandler`'s `onSignIn`), the
 * code's single use covers it. A token that reaches you any other way (from the browser, an API
 * call) can be sent again: remember its `jti` (or a hash of the token) until its `exp` in a store
 * shared by your instances, and refuse one seen before.
 */
export function verifyActionState(accessToken: string, options: VerifyActionStateOptions): Promise<ActionDecision & { claims: JWTPayload }> {
  const { issuer, algorithms } = checkOptions(options, 'verifyActionState');
  if (typeof options.expectedAction !== 'string' || !options.expectedAction) throw new TypeError('verifyActionState: "expectedAction" is required');
  return verify(accessToken, options, issuer, algorithms).then((claims) => {
    const decision = actionStateDecision(claims);
    if (decision.action !== options.expectedAction) {
      throw new AqServerError('invalid_token', `access token is for action ${JSON.stringify(claims.action)}, expected "${options.expectedAction}"`);
    }
    return { ...decision, claims };
  });
}
