import * as oauth from 'oauth4webapi';
import { decodeJwt } from 'jose';
import { AqServerError, describe } from './errors.js';
import { errorResponse, json, readJsonObject, requirePost } from './http.js';
import type { IssuerContext } from './issuer.js';
import { httpOptions, loadIssuer, parseIssuer } from './issuer.js';

/** The authorization response as the browser hands it over (`backend-url`). */
export interface CodeHandoff {
  code: string;
  state: string;
  /** RFC 9207 issuer identifier, when the OP sent one. */
  iss?: string;
  redirect_uri: string;
  code_verifier: string;
  nonce: string;
  /** The front-channel ID token of a hybrid response (`code id_token`). */
  id_token?: string;
}

/** The signed-in user's claims: the validated ID token's claims merged with userinfo (always with `sub`). */
export interface Profile {
  sub: string;
  [claim: string]: unknown;
}

/** What the code exchange produced, handed to `onSignIn`. */
export interface SignInResult {
  profile: Profile;
  /** The validated ID token claims (from the token endpoint). */
  claims: oauth.IDToken;
  /** Userinfo's claims, or null when the OP has no userinfo endpoint or `userinfo` is off. */
  userinfo: Record<string, unknown> | null;
  /** The token endpoint's answer: `access_token`, `id_token`, `token_type`, `expires_in`, `scope`, `refresh_token`. */
  tokens: oauth.TokenEndpointResponse;
  /** The hand-off body as validated. */
  handoff: CodeHandoff;
}

export interface CodeHandlerOptions {
  /** The OP's issuer URL (https, or http on localhost). Discovery is fetched once and cached. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token endpoint, as registered at the OP. */
  clientAuth: 'client_secret_basic' | 'client_secret_post';
  /**
   * The redirect URIs the browser may name: a list (exact match) or a predicate. Without it any
   * absolute http(s) URL passes here and only the OP's own binding of the code to its
   * redirect_uri (RFC 6749 §4.1.3) applies.
   */
  allowedRedirectUris?: readonly string[] | ((redirectUri: string, request: Request) => boolean);
  /**
   * The `id_token_signed_response_alg` registered for this client at the OP, when that is
   * `"none"`: the ID token from the token endpoint then comes unsigned (Authentiq does this for
   * clients that authenticate with their credentials; OIDC Core §3.1.3.7 item 6 lets TLS between
   * this backend and the token endpoint vouch for it). Every claim check still applies (iss, aud,
   * azp, exp, iat, nonce, and userinfo's `sub`). The alg is pinned: with this option a signed
   * token-endpoint ID token is refused, and without it `"none"` is refused even when the OP's
   * metadata lists it. A front-channel ID token (hybrid `code id_token`) must be signed either
   * way.
   *
   * > [!WARNING]
   * > Use only when the OP does not sign this client's ID tokens. An unsigned ID token is exactly
   * > as trustworthy as the TLS connection to the token endpoint it came over: if the issuer is
   * > not https (or TLS verification is off in this runtime), anyone on the path can mint one.
   * > It also must not be passed on as proof of the sign-in (to another service, or to the
   * > browser as something to verify): nothing outside this exchange can check it.
   */
  idTokenSignedResponseAlg?: 'none';
  /** Fetch userinfo and merge it into the profile (its `sub` must match). Default true; skipped when the OP has no userinfo endpoint. */
  userinfo?: boolean;
  /**
   * Called once the sign-in is validated. Return an object to add members to the JSON answer
   * (`{ profile, ...returned }`), or a whole `Response` (e.g. one that sets the app's session
   * cookie), or nothing. A throw becomes HTTP 500 `server_error`.
   */
  onSignIn?: (result: SignInResult, request: Request) => Promise<Record<string, unknown> | Response | void> | Record<string, unknown> | Response | void;
}

// RFC 7636 §4.1: 43-128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const MAX_FIELD = 4096;
const MAX_JWT = 16 * 1024;

function field(body: Record<string, unknown>, name: keyof CodeHandoff, required: boolean, max = MAX_FIELD): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new AqServerError('invalid_request', `"${name}" is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new AqServerError('invalid_request', `"${name}" must be a string, got ${typeof value}`);
  if (!value) throw new AqServerError('invalid_request', `"${name}" must not be empty`);
  if (value.length > max) throw new AqServerError('invalid_request', `"${name}" is longer than ${max} characters`);
  return value;
}

/** Checks the shape of the browser's hand-off; exported for apps that route it themselves. */
export function parseCodeHandoff(body: Record<string, unknown>): CodeHandoff {
  const handoff: CodeHandoff = {
    code: field(body, 'code', true)!,
    state: field(body, 'state', true)!,
    redirect_uri: field(body, 'redirect_uri', true)!,
    code_verifier: field(body, 'code_verifier', true)!,
    nonce: field(body, 'nonce', true)!,
  };
  const iss = field(body, 'iss', false);
  if (iss !== undefined) handoff.iss = iss;
  const idToken = field(body, 'id_token', false, MAX_JWT);
  if (idToken !== undefined) handoff.id_token = idToken;
  if (!CODE_VERIFIER.test(handoff.code_verifier)) {
    throw new AqServerError('invalid_request', '"code_verifier" must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)');
  }
  let redirect: URL;
  try {
    redirect = new URL(handoff.redirect_uri);
  } catch {
    throw new AqServerError('invalid_request', `"redirect_uri" must be an absolute URL, got "${handoff.redirect_uri}"`);
  }
  if (redirect.protocol !== 'https:' && redirect.protocol !== 'http:') {
    throw new AqServerError('invalid_request', `"redirect_uri" must be http(s), got "${redirect.protocol}"`);
  }
  if (redirect.hash) throw new AqServerError('invalid_request', '"redirect_uri" must not have a fragment (RFC 6749 §3.1.2)');
  return handoff;
}

function checkRedirectUri(options: CodeHandlerOptions, handoff: CodeHandoff, request: Request): void {
  const allowed = options.allowedRedirectUris;
  if (allowed === undefined) return;
  const ok = typeof allowed === 'function' ? allowed(handoff.redirect_uri, request) : allowed.includes(handoff.redirect_uri);
  if (!ok) throw new AqServerError('invalid_request', `"redirect_uri" ${handoff.redirect_uri} is not allowed`);
}

function isJwtProblem(err: unknown): boolean {
  if (!(err instanceof oauth.OperationProcessingError) && !(err instanceof oauth.UnsupportedOperationError)) return false;
  // oauth4webapi reports claim checks as JWT_* codes and names "ID Token"/"JWT"/"JWS" in the rest.
  return err.code === oauth.JWT_CLAIM_COMPARISON || err.code === oauth.JWT_TIMESTAMP_CHECK ||
    err.code === oauth.KEY_SELECTION || /ID Token|JWT|JWS|signature|nonce|c_hash/i.test(err.message);
}

function tokenError(err: unknown): AqServerError {
  if (err instanceof AqServerError) return err;
  if (err instanceof oauth.ResponseBodyError) {
    return new AqServerError('token_request_failed', `token endpoint refused the code: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`, { cause: err });
  }
  if (isJwtProblem(err)) return new AqServerError('id_token_invalid', `ID token rejected: ${describe(err)}`, { cause: err });
  return new AqServerError('token_request_failed', `token request failed: ${describe(err)}`, { cause: err });
}

/**
 * The authorization response parameters as oauth4webapi wants them. `state` is the browser's own
 * (it checked it against its transaction before handing off); `iss` is checked here as well.
 */
async function callbackParameters(ctx: IssuerContext, client: oauth.Client, issuer: URL, h: CodeHandoff): Promise<URLSearchParams> {
  const params = new URLSearchParams({ code: h.code, state: h.state });
  if (h.iss !== undefined) params.set('iss', h.iss);
  try {
    if (h.id_token === undefined) return oauth.validateAuthResponse(ctx.as, client, params, h.state);
    // Hybrid: the front-channel ID token's signature, nonce and c_hash bind the code to this sign-in.
    params.set('id_token', h.id_token);
    return await oauth.validateCodeIdTokenResponse(ctx.as, client, params, h.nonce, h.state, oauth.skipAuthTimeCheck, {
      [oauth.jwksCache]: ctx.jwksCache,
      ...httpOptions(issuer),
    });
  } catch (err) {
    if (err instanceof oauth.OperationProcessingError && /"iss"/.test(err.message)) {
      // RFC 9207 §2.4: an iss that is not our OP's means a mix-up attack, or an OP that must send it did not.
      throw new AqServerError('invalid_request', `authorization response "iss" rejected: ${err.message}`, { cause: err });
    }
    if (h.id_token !== undefined) throw new AqServerError('invalid_request', `front-channel ID token rejected: ${describe(err)}`, { cause: err });
    throw new AqServerError('invalid_request', `authorization response rejected: ${describe(err)}`, { cause: err });
  }
}

/**
 * A `Request -> Response` handler for `backend-url`: takes the browser's hand-off
 * (`{ code, state, iss, redirect_uri, code_verifier, nonce, id_token? }`, JSON), exchanges the
 * code at the token endpoint as a confidential client with PKCE, validates the ID token (signature
 * against the OP's JWKS unless `idTokenSignedResponseAlg` is `"none"`, iss, aud, azp, exp, iat,
 * nonce), fetches userinfo (same `sub`), and answers 200 `{ profile, ...onSignIn's object }`.
 * Failures: 400 (the request) or 502 (the OP), JSON `{ error, error_description }` with a stable
 * `error` (see `AqServerErrorCode`).
 */
export function createCodeHandler(options: CodeHandlerOptions): (request: Request) => Promise<Response> {
  const issuer = parseIssuer(options.issuer);
  if (typeof options.clientId !== 'string' || !options.clientId) throw new TypeError('"clientId" is required');
  if (typeof options.clientSecret !== 'string' || !options.clientSecret) throw new TypeError('"clientSecret" is required');
  if (options.clientAuth !== 'client_secret_basic' && options.clientAuth !== 'client_secret_post') {
    throw new TypeError(`"clientAuth" must be "client_secret_basic" or "client_secret_post", got "${String(options.clientAuth)}"`);
  }
  if (options.idTokenSignedResponseAlg !== undefined && options.idTokenSignedResponseAlg !== 'none') {
    throw new TypeError(`"idTokenSignedResponseAlg" may only be "none", got "${String(options.idTokenSignedResponseAlg)}"`);
  }
  const client: oauth.Client = { client_id: options.clientId };
  // OIDC Core §3.1.3.7 item 6: only the token endpoint of a confidential client (this handler
  // always authenticates with its secret) may send an unsigned ID token, so only the token
  // response is processed with the pinned "none"; the front channel keeps `client`, whose ID token
  // oauth4webapi verifies against the JWKS ("none" has no key: refused).
  const unsigned = options.idTokenSignedResponseAlg === 'none';
  const tokenClient: oauth.Client = unsigned ? { ...client, id_token_signed_response_alg: 'none' } : client;
  const clientAuth = options.clientAuth === 'client_secret_basic'
    ? oauth.ClientSecretBasic(options.clientSecret)
    : oauth.ClientSecretPost(options.clientSecret);
  const http = httpOptions(issuer);

  async function signIn(request: Request): Promise<Response> {
    requirePost(request);
    const handoff = parseCodeHandoff(await readJsonObject(request));
    checkRedirectUri(options, handoff, request);
    const ctx = await loadIssuer(issuer);
    const params = await callbackParameters(ctx, client, issuer, handoff);

    let tokens: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.authorizationCodeGrantRequest(ctx.as, client, clientAuth, params, handoff.redirect_uri, handoff.code_verifier, http);
      // With `tokenClient` pinned to "none", oauth4webapi accepts only an unsigned ID token here
      // and still applies every claim check; unpinned, it takes the algs of the OP's metadata.
      tokens = await oauth.processAuthorizationCodeResponse(ctx.as, tokenClient, response, {
        expectedNonce: handoff.nonce,
        requireIdToken: true,
      });
      // oauth4webapi leaves the signature of a token-endpoint ID token to TLS; unless the client is
      // registered for unsigned ones it is checked here too, against the OP's JWKS ("none" and
      // HMAC never verify, whatever the OP's metadata lists).
      if (!unsigned) await oauth.validateApplicationLevelSignature(ctx.as, response, { [oauth.jwksCache]: ctx.jwksCache, ...http });
    } catch (err) {
      throw tokenError(err);
    }
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    if (handoff.id_token !== undefined) {
      // OIDC Core §3.3.3.6: both ID tokens of a hybrid flow must be about the same End-User.
      // (Its signature was verified above, by validateCodeIdTokenResponse.)
      const frontSub = decodeJwt(handoff.id_token).sub;
      if (frontSub !== claims.sub) {
        throw new AqServerError('id_token_invalid', `ID token "sub" "${claims.sub}" differs from the front-channel ID token's "${String(frontSub)}"`);
      }
    }

    let userinfo: Record<string, unknown> | null = null;
    if (options.userinfo !== false && ctx.as.userinfo_endpoint) {
      try {
        const response = await oauth.userInfoRequest(ctx.as, client, tokens.access_token, http);
        // OIDC Core §5.3.4: userinfo's sub must be the ID token's, or it is someone else's data.
        userinfo = { ...(await oauth.processUserInfoResponse(ctx.as, client, claims.sub, response)) };
      } catch (err) {
        throw new AqServerError('userinfo_failed', `userinfo failed: ${describe(err)}`, { cause: err });
      }
    }
    const profile: Profile = { ...claims, ...(userinfo ?? {}), sub: claims.sub };
    const result: SignInResult = { profile, claims, userinfo, tokens, handoff };

    let extra: Record<string, unknown> | Response | void;
    try {
      extra = await options.onSignIn?.(result, request);
    } catch (err) {
      throw new AqServerError('server_error', 'the sign-in hook failed', { cause: err });
    }
    if (extra instanceof Response) return extra;
    return json(200, { profile, ...(extra ?? {}) });
  }

  return async (request) => {
    try {
      return await signIn(request);
    } catch (err) {
      const e = err instanceof AqServerError ? err : new AqServerError('server_error', 'unexpected failure', { cause: err });
      return errorResponse(e);
    }
  };
}
