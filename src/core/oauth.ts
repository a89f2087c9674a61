/**
 * The edge between aq-signin and oauth4webapi, which does the protocol: what it is given (the
 * metadata, the client, the options every call shares) and how its errors become AqErrors.
 */
import * as oauth from 'oauth4webapi';
import type { AqErrorCode } from '../errors.js';
import { AqError, toAqError } from '../errors.js';

/**
 * ID-token algorithms accepted whatever the OP advertises: asymmetric only. `none` and HS* are left
 * out on purpose, so a token "signed" with nothing, or with a secret a public client shares with
 * the OP (its client_id), never verifies (RFC 8725 §2.1).
 */
const ID_TOKEN_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Who validates, and how it reads the OP's clock; an AqConfig is one. */
export interface RelyingParty {
  clientId: string;
  /** Seconds added to the local clock before it is compared with the OP's timestamps. */
  clockSkew: number;
  /** Seconds of leeway on exp, nbf, iat and auth_time. */
  clockTolerance: number;
}

/** What discovery gave, ready for oauth4webapi; kept in sessionStorage between a redirect's two pages. */
export interface Discovered {
  as: oauth.AuthorizationServer;
  /** The OP's keys, fetched ahead of the callback so that validation waits for nothing. */
  jwks: oauth.ExportedJWKSCache;
  /** Plain http is allowed for a loopback issuer only (development). */
  insecure: boolean;
}

export interface Client {
  as: oauth.AuthorizationServer;
  /** With the relying party's clock settings, which every check of oauth4webapi reads from it. */
  client: oauth.Client;
  options: { [oauth.allowInsecureRequests]: boolean; [oauth.jwksCache]: oauth.JWKSCacheInput };
}

/**
 * A fresh view of the OP for one validation. oauth4webapi keeps JWKS per metadata object, so a new
 * object per call makes it start from our prefetched keys (`jwksCache`) rather than from an older
 * copy, and a retry after key rotation (`withFreshKeys`) starts from none.
 */
export function clientFor(d: Discovered, rp: RelyingParty, keys: oauth.JWKSCacheInput = d.jwks): Client {
  return {
    as: { ...d.as, id_token_signing_alg_values_supported: ID_TOKEN_ALGS },
    client: { client_id: rp.clientId, [oauth.clockSkew]: rp.clockSkew, [oauth.clockTolerance]: rp.clockTolerance },
    options: { [oauth.allowInsecureRequests]: d.insecure, [oauth.jwksCache]: keys },
  };
}

/**
 * Runs a validation that looks keys up, and once more with the JWKS fetched anew when no key
 * fits: the OP may have rotated its keys since the prefetch (OIDC Core §10.1.1). oauth4webapi
 * refetches by itself only when its copy is a minute old. The new keys replace the prefetched ones.
 */
export async function withFreshKeys<T>(d: Discovered, rp: RelyingParty, run: (c: Client) => Promise<T>): Promise<T> {
  try {
    return await run(clientFor(d, rp));
  } catch (err) {
    if (!(err instanceof oauth.OperationProcessingError && err.code === oauth.KEY_SELECTION && /no applicable keys/.test(err.message))) throw err;
    const keys: oauth.JWKSCacheInput = {};
    try {
      return await run(clientFor(d, rp, keys));
    } finally {
      if ('uat' in keys) d.jwks = keys as unknown as oauth.ExportedJWKSCache;
    }
  }
}

/** What oauth4webapi says about a JWT, in this project's words where its own do not name the problem. */
function jwtProblem(err: Error): string {
  const { message } = err;
  if (/modulusLength/.test(message)) return "the OP's RSA key is shorter than 2048 bits";
  if (err instanceof oauth.OperationProcessingError && err.code === oauth.KEY_SELECTION) {
    const { header } = (err.cause ?? {}) as { header?: { kid?: string; alg?: string } };
    const which = `(${header?.kid === undefined ? 'no "kid"' : `"kid" "${header.kid}"`}, ${header?.alg})`;
    return /multiple/.test(message) ? `several keys of the OP's JWKS fit ${which}: a "kid" is required` : `no key of the OP's JWKS fits ${which}`;
  }
  if (/unsupported JWS/.test(message)) return `"alg" ${JSON.stringify((err.cause as { alg?: unknown } | undefined)?.alg)} is not allowed (asymmetric signatures only)`;
  // Some of its messages do not name the claim ("too much time has elapsed since the last
  // End-User authentication"): its cause does.
  const claim = (err.cause as { claim?: unknown } | undefined)?.claim;
  return typeof claim === 'string' && !message.includes(`"${claim}"`) ? `"${claim}": ${message}` : message;
}

/** oauth4webapi's codes that only its JWT checks use. */
const JWT_CODES: unknown[] = [oauth.JWT_TIMESTAMP_CHECK, oauth.JWT_CLAIM_COMPARISON, oauth.KEY_SELECTION];

/** True for oauth4webapi's complaints about an ID token (as opposed to the response around it). */
function aboutJwt(err: unknown): boolean {
  if (err instanceof oauth.OperationProcessingError && JWT_CODES.includes(err.code)) return true;
  return err instanceof Error && /JWT|JWS|JWE|ID Token|modulusLength|namedCurve|CryptoKey/.test(err.message);
}

/** An ID token problem, from oauth4webapi or ours. */
export function idTokenInvalid(problem: string, cause?: unknown): AqError {
  return new AqError('AQ_ID_TOKEN_INVALID', `ID token rejected: ${problem}`, { cause });
}

/**
 * Maps an oauth4webapi failure onto an AqError, keeping it in `cause`: ID-token problems become
 * AQ_ID_TOKEN_INVALID wherever they happen, the OP's own `error` answers keep its words, and the
 * rest becomes `code` with `what` ("token request to …") in front of oauth4webapi's message.
 */
export function fromOauth(err: unknown, code: AqErrorCode, what: string): AqError {
  if (err instanceof AqError) return err;
  if (err instanceof oauth.ResponseBodyError || err instanceof oauth.AuthorizationResponseError) {
    const description = err.error_description;
    return new AqError(code, `${what}: the OP answered "${err.error}"${description ? `: ${description}` : ''}`, { cause: err, error: err.error, errorDescription: description });
  }
  if (aboutJwt(err)) return idTokenInvalid(jwtProblem(err as Error), err);
  return toAqError(err, code, what);
}
