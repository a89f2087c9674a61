import * as oauth from 'oauth4webapi';
import type { JWK } from 'jose';
import { EmbeddedJWK, base64url, calculateJwkThumbprint, decodeJwt, jwtVerify } from 'jose';
import { ASYMMETRIC_ALGORITHMS, CLOCK_TOLERANCE, checkAlgorithms } from './algorithms.js';
import { AqServerError, describe } from './errors.js';
import { json } from './http.js';
import { httpOptions, loadIssuer, parseIssuer } from './issuer.js';
import type { ReplayStore } from './replay-store.js';
import { memoryReplayStore } from './replay-store.js';

/**
 * Server-provided DPoP nonces (RFC 9449 §8): a proof must carry one the API accepts, which bounds
 * how long a proof made ahead of time (by script that held the key for a moment) stays usable.
 */
export interface DPoPNonceSource {
  /** The nonce a client must put in its next proof; sent in `DPoP-Nonce` with `use_dpop_nonce`. */
  current(): string | Promise<string>;
  /** Whether a proof's `nonce` is accepted (the current one, usually also the one before it). */
  accepts(nonce: string): boolean | Promise<boolean>;
}

export interface ApiTokenVerifierOptions {
  /** The OP's issuer URL: the token's `iss`, and whose JWKS (from discovery) checks its signature. */
  issuer: string;
  /**
   * The `aud` the token must contain: the resource indicator your API is registered as at the OP
   * (RFC 8707), or the client_id when the OP puts that in `aud`. Required: without it a token the
   * OP issued for any other API would do here.
   */
  audience: string;
  /**
   * `allowed` (default): DPoP-bound tokens need the `DPoP` scheme and a valid proof; tokens that
   * are not bound are accepted as `Bearer`. `required`: every token must be DPoP-bound and come
   * with a proof; `Bearer` is refused.
   */
  dpop?: 'allowed' | 'required';
  /** Accepted signature algorithms of the access token; asymmetric only. Default: RS*, PS*, ES*, EdDSA. */
  algorithms?: readonly string[];
  /** Accepted signature algorithms of DPoP proofs; asymmetric only (RFC 9449 §4.3 check 5). Default: as `algorithms`. */
  dpopAlgorithms?: readonly string[];
  /**
   * How old a proof's `iat` may be, in seconds (default 60), plus 30 s of clock skew either way.
   * A proof is replayable within this window only through the replay store, so keep it short.
   */
  proofMaxAge?: number;
  /**
   * Where proof `jti`s are remembered until their `iat` window ends (RFC 9449 §11.1). Default: one
   * in-process store per verifier. Several instances behind a load balancer need one shared
   * store (Redis), or a proof refused by one is accepted by the next.
   */
  replayStore?: ReplayStore;
  /** Require server-provided nonces in proofs (RFC 9449 §8). Off by default. */
  dpopNonce?: DPoPNonceSource;
}

/** What a verified API request carries. */
export interface ApiTokenResult {
  /** The access token's verified claims (RFC 9068: iss, sub, aud, exp, iat, jti, client_id, scope…). */
  claims: oauth.JWTAccessTokenClaims;
  /** The scheme the token came with: `DPoP` means a proof by the key the token is bound to came with it. */
  tokenType: 'Bearer' | 'DPoP';
  /** The RFC 7638 thumbprint of the proof's key (`cnf.jkt`), for DPoP. */
  jkt?: string;
}

export interface ApiTokenVerifier {
  /**
   * Verifies the access token of an API request (and its DPoP proof). Rejects with
   * `AqServerError`: `invalid_token`, `invalid_dpop_proof`, `use_dpop_nonce`, `invalid_request`
   * (a malformed Authorization header), `discovery_failed` (the OP or its JWKS unreachable).
   */
  verify(request: Request): Promise<ApiTokenResult>;
  /**
   * The HTTP answer for a failure of `verify`: the `AqServerError`'s status, the
   * `WWW-Authenticate` challenge(s) of RFC 6750 §3 and RFC 9449 §7.1 (the error goes on the
   * scheme the request used), `DPoP-Nonce` for `use_dpop_nonce`, and a JSON `{ error,
   * error_description }` body. Anything that is not an `AqServerError` becomes 500 `server_error`.
   */
  errorResponse(error: unknown, request?: Request): Response;
}

/** The nonce each `use_dpop_nonce` error is to send; kept off the error's public shape. */
const nonceOf = new WeakMap<AqServerError, string>();

const tokenError = (message: string, cause?: unknown) => new AqServerError('invalid_token', message, { cause });
const proofError = (message: string, cause?: unknown) => new AqServerError('invalid_dpop_proof', `DPoP proof rejected: ${message}`, { cause });

function checkOptions(options: ApiTokenVerifierOptions) {
  const fn = 'createApiTokenVerifier';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options are required`);
  const issuer = parseIssuer(options.issuer);
  if (typeof options.audience !== 'string' || !options.audience) throw new TypeError(`${fn}: "audience" is required`);
  const dpop = options.dpop ?? 'allowed';
  if (dpop !== 'allowed' && dpop !== 'required') throw new TypeError(`${fn}: "dpop" must be "allowed" or "required", got ${JSON.stringify(options.dpop)}`);
  const algorithms = checkAlgorithms(options.algorithms);
  const dpopAlgorithms = checkAlgorithms(options.dpopAlgorithms ?? options.algorithms ?? ASYMMETRIC_ALGORITHMS);
  const maxAge = options.proofMaxAge ?? 60;
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0) {
    throw new TypeError(`${fn}: "proofMaxAge" must be a positive number of seconds, got ${JSON.stringify(options.proofMaxAge)}`);
  }
  const nonce = options.dpopNonce;
  if (nonce !== undefined && (typeof nonce?.current !== 'function' || typeof nonce.accepts !== 'function')) {
    throw new TypeError(`${fn}: "dpopNonce" must have current() and accepts(nonce)`);
  }
  const store = options.replayStore ?? memoryReplayStore();
  if (typeof store?.claim !== 'function') throw new TypeError(`${fn}: "replayStore" must have claim(key, until)`);
  return { issuer, audience: options.audience, dpop, algorithms, dpopAlgorithms, maxAge, nonce, store };
}

/** RFC 6750 §2.1 / RFC 9449 §7.1: `<scheme> <token>`, the scheme case-insensitive, one token68. */
function readAuthorization(request: Request): { scheme: 'bearer' | 'dpop'; token: string } {
  const header = request.headers.get('authorization');
  if (header === null) throw tokenError('no access token: the request has no Authorization header');
  const match = /^(\S+) +([A-Za-z0-9\-._~+/]+=*)$/.exec(header.trim());
  const scheme = match?.[1]!.toLowerCase();
  if (!match || (scheme !== 'bearer' && scheme !== 'dpop')) {
    throw new AqServerError('invalid_request', `Authorization header must be "Bearer <token>" or "DPoP <token>", got scheme ${JSON.stringify(header.split(' ')[0])}`);
  }
  return { scheme, token: match[2]! };
}

/** The access token's claims before any check, only to pick the right error; every decision is taken again on verified claims. */
function peekClaims(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token);
  } catch (err) {
    throw tokenError('access token is not a JWT (opaque tokens need introspection, which this verifier does not do)', err);
  }
}

/** RFC 9449 §4.3 check 9: `htu` and the request URL compared without query and fragment, after URL normalization. */
function normalizeHtu(value: string): string {
  const url = new URL(value);
  url.search = '';
  url.hash = '';
  return url.href;
}

interface VerifiedProof {
  jkt: string;
  jti: string;
  iat: number;
  nonce: unknown;
}

/**
 * The proof checks of RFC 9449 §4.3, with jose: oauth4webapi's `validateJwtAccessToken` checks
 * a proof too, but only inside the token's own validation (a failure there cannot be told from
 * a bad token, and the client must learn which: RFC 9449 §7.1 `invalid_dpop_proof`), with a fixed
 * 300 s `iat` window, and it leaves `jti` replay and nonces to the caller.
 */
async function verifyProof(request: Request, accessToken: string, o: ReturnType<typeof checkOptions>): Promise<VerifiedProof> {
  const proof = request.headers.get('dpop');
  if (proof === null) throw proofError('the DPoP scheme needs a DPoP header with a proof');
  // Headers.get joins repeated headers with ", "; a JWS has neither character (§4.3 check 1: exactly one).
  if (/[,\s]/.test(proof)) throw proofError('more than one DPoP header');
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    // §4.3 checks 2-7: a JWS, typ dpop+jwt, an asymmetric alg from the list, an embedded key that
    // verifies the signature and is public (EmbeddedJWK refuses a JWK with private members: a
    // client that sends its private key has lost it).
    verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: o.dpopAlgorithms });
  } catch (err) {
    throw proofError(describe(err), err);
  }
  const { payload, protectedHeader } = verified;
  if (typeof payload.jti !== 'string' || !payload.jti) throw proofError('"jti" is missing');
  if (payload.htm !== request.method) throw proofError(`"htm" is ${JSON.stringify(payload.htm)}, the request method is ${request.method}`);
  let htu: string | undefined;
  try {
    htu = typeof payload.htu === 'string' ? normalizeHtu(payload.htu) : undefined;
  } catch {
    // not a URL: reported as a mismatch below
  }
  const target = normalizeHtu(request.url);
  if (htu !== target) throw proofError(`"htu" is ${JSON.stringify(payload.htu)}, the request is for ${target}`);
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat !== 'number') throw proofError('"iat" is missing');
  // §4.3 check 11 and §11.1: a proof is short-lived; its jti is remembered only that long.
  if (payload.iat > now + CLOCK_TOLERANCE) throw proofError(`"iat" is ${payload.iat - now} s in the future`);
  if (payload.iat < now - o.maxAge - CLOCK_TOLERANCE) throw proofError(`"iat" is ${now - payload.iat} s old, at most ${o.maxAge} s accepted`);
  // §4.3 check 12 / §7.1: the proof is for this very token, so it cannot be moved to another one.
  const ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
  if (payload.ath !== ath) throw proofError('"ath" is not the SHA-256 hash of the access token sent');
  return { jkt: await calculateJwkThumbprint(protectedHeader.jwk as JWK, 'sha256'), jti: payload.jti, iat: payload.iat, nonce: payload.nonce };
}

/**
 * The access token, with oauth4webapi's `validateJwtAccessToken` (RFC 9068: typ at+jwt, iss, aud,
 * exp, iat, sub, jti, client_id, signature by the OP's JWKS; for a DPoP-bound token also the
 * proof and its `cnf.jkt` binding, and a bound token sent as Bearer refused).
 */
async function verifyToken(request: Request, o: ReturnType<typeof checkOptions>): Promise<oauth.JWTAccessTokenClaims> {
  const ctx = await loadIssuer(o.issuer);
  try {
    return await oauth.validateJwtAccessToken(ctx.as, request, o.audience, {
      // One list for the token and the proof there; the proof's own list was applied first.
      signingAlgorithms: [...new Set([...o.algorithms, ...o.dpopAlgorithms])],
      requireDPoP: o.dpop === 'required',
      [oauth.jwksCache]: ctx.jwksCache,
      ...httpOptions(o.issuer),
    });
  } catch (err) {
    if (err instanceof oauth.OperationProcessingError && (err.code === oauth.RESPONSE_IS_NOT_CONFORM || err.code === oauth.RESPONSE_IS_NOT_JSON)) {
      throw new AqServerError('discovery_failed', `the OP's JWKS could not be read: ${describe(err)}`, { cause: err });
    }
    if (err instanceof oauth.OperationProcessingError || err instanceof oauth.UnsupportedOperationError) {
      throw tokenError(`access token rejected: ${describe(err)}`, err);
    }
    throw new AqServerError('discovery_failed', `the OP's JWKS could not be fetched: ${describe(err)}`, { cause: err });
  }
}

async function checkNonce(source: DPoPNonceSource, nonce: unknown): Promise<void> {
  if (typeof nonce === 'string' && (await source.accepts(nonce))) return;
  const error = new AqServerError('use_dpop_nonce', typeof nonce === 'string' ? 'DPoP proof "nonce" is no longer accepted' : 'DPoP proof must carry the server\'s "nonce"');
  nonceOf.set(error, await source.current());
  throw error;
}

/** RFC 6750 §3: quoted-string values may not hold `"` or `\`, and only printable ASCII. */
const quote = (value: string) => `"${value.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?')}"`;

/**
 * An API's check of the access tokens that pages signed in with aq-signin send
 * (`client.fetch()`): a JWT access token from the OP (RFC 9068) and, for a DPoP-bound token, its
 * proof (RFC 9449 §4.3 and §7.1): `htm`, `htu`, `iat` window, `jti` not seen before, `ath`, and
 * `cnf.jkt` = the proof key's thumbprint. A DPoP-bound token sent as `Bearer` is refused (the
 * downgrade a stolen token would try). Bad options throw TypeError at once.
 */
export function createApiTokenVerifier(options: ApiTokenVerifierOptions): ApiTokenVerifier {
  const o = checkOptions(options);

  async function verify(request: Request): Promise<ApiTokenResult> {
    const { scheme, token } = readAuthorization(request);
    const cnf = peekClaims(token).cnf;
    if (scheme === 'bearer') {
      if (o.dpop === 'required') throw tokenError('this API accepts only DPoP-bound tokens (Authorization: DPoP with a DPoP proof)');
      // RFC 9449 §7.2: a bound token as Bearer is the downgrade a stolen copy would try.
      if (cnf !== undefined) throw tokenError('the access token is DPoP-bound: it must be sent with the DPoP scheme and a proof, not as Bearer');
      if (request.headers.has('dpop')) throw tokenError('a DPoP proof came with a Bearer token: DPoP-bound tokens use the DPoP scheme');
      return { claims: await verifyToken(request, o), tokenType: 'Bearer' };
    }
    const peekJkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
    if (typeof peekJkt !== 'string') throw tokenError('the DPoP scheme came with an access token that is not DPoP-bound (no "cnf.jkt")');
    const proof = await verifyProof(request, token, o);
    if (proof.jkt !== peekJkt) throw proofError(`it is signed by key ${proof.jkt}, the access token is bound to ${peekJkt}`);
    if (o.nonce) await checkNonce(o.nonce, proof.nonce);
    const claims = await verifyToken(request, o);
    // Claimed last: a request that fails any check leaves nothing in the store. Kept until no
    // instance would take the proof for its age, whose clock may run the tolerance behind ours.
    let fresh: boolean;
    try {
      fresh = await o.store.claim(`dpop:${proof.jkt}:${proof.jti}`, (proof.iat + o.maxAge + 2 * CLOCK_TOLERANCE) * 1000);
    } catch (err) {
      // Not knowing whether it is a replay is not a yes. The store's own error stays in `cause`:
      // it is no business of the caller.
      throw new AqServerError('server_error', 'DPoP proof "jti" could not be checked: the replay store did not answer; try again', { cause: err, status: 503 });
    }
    if (!fresh) throw proofError(`"jti" ${JSON.stringify(proof.jti)} was used before: a proof is single use`);
    return { claims, tokenType: 'DPoP', jkt: proof.jkt };
  }

  function errorResponse(error: unknown, request?: Request): Response {
    const err = error instanceof AqServerError ? error : new AqServerError('server_error', 'internal error', { cause: error });
    const sent = request?.headers.get('authorization')?.split(' ')[0]?.toLowerCase();
    const algs = `algs=${quote(o.dpopAlgorithms.join(' '))}`;
    // RFC 6750 §3.1: a request with no credentials gets the challenge without an error.
    const attrs = sent && err.status === 401 || err.code === 'invalid_request' ? `error=${quote(err.code)}, error_description=${quote(err.message)}` : '';
    const onDpop = err.code === 'invalid_dpop_proof' || err.code === 'use_dpop_nonce' || sent === 'dpop' || o.dpop === 'required';
    const challenges = [
      ...(o.dpop === 'allowed' ? [`Bearer${!onDpop && attrs ? ` ${attrs}` : ''}`] : []),
      `DPoP ${onDpop && attrs ? `${attrs}, ` : ''}${algs}`,
    ];
    const headers: Record<string, string> = {};
    if (err.status === 401 || err.code === 'invalid_request') headers['www-authenticate'] = challenges.join(', ');
    const nonce = nonceOf.get(err);
    if (nonce !== undefined) headers['dpop-nonce'] = nonce;
    return json(err.status, { error: err.code, error_description: err.message }, headers);
  }

  return { verify, errorResponse };
}
