// The demo's protected API: what an API behind a page signed in with aq-signin does with the
// access token `client.fetch()` attaches. Stateless: no cookie, the token is the credential.
//
//   GET /api/me   200 { sub, client_id, scope, exp, token_type, jkt? } for a valid access token
//                 (Bearer, or DPoP with its proof); 401 with WWW-Authenticate and
//                 { error, error_description } otherwise (invalid_token, invalid_dpop_proof, …).
//
// Which tokens it takes is configured per issuer: the dev OP (oidc-provider 6.31) issues the
// `demo` client RFC 9068 JWT access tokens for its own client_id (as Bearer: 6.31's DPoP is
// draft-01, without `ath`, not RFC 9449); DPoP-bound tokens come from an oidc-provider 9 given
// as another entry ({ issuer, audience: its resource indicator }).

/**
 * @typedef {{ issuer: string, audience: string, dpop?: 'allowed' | 'required' }} ApiIssuer
 */

const jsonResponse = (status, body, headers = {}) => new Response(JSON.stringify(body), {
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
});

/** The unverified `iss` of a JWT, only to pick the verifier that then checks it for real. */
function peekIssuer(request) {
  const token = (request.headers.get('authorization') ?? '').split(' ')[1] ?? '';
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).iss;
  } catch {
    return undefined;
  }
}

/**
 * The `GET /api/me` handler (`Request -> Promise<Response>`).
 * @param {typeof import('../../src/server/index.ts')} server the aq-signin/server module
 * @param {{ issuers: ApiIssuer[], log?: (...args: unknown[]) => void, replayStore?: import('../../src/server/index.ts').ReplayStore }} options
 *   `replayStore`: where DPoP proofs' `jti`s are kept (default: in this process)
 */
export function createApi(server, { issuers, log = () => {}, replayStore }) {
  const verifiers = new Map(issuers.map((o) => [o.issuer, server.createApiTokenVerifier({ ...o, ...(replayStore ? { replayStore } : {}) })]));
  const [fallback] = verifiers.values();

  async function me(request) {
    if (request.method !== 'GET') return jsonResponse(405, { error: 'invalid_request', error_description: 'use GET' }, { allow: 'GET' });
    // An unknown or missing issuer goes to the first verifier, which refuses it with a clear answer.
    const verifier = verifiers.get(peekIssuer(request)) ?? fallback;
    try {
      const { claims, tokenType, jkt } = await verifier.verify(request);
      log(`/api/me: ${tokenType} token of ${claims.sub} (${claims.client_id})`);
      return jsonResponse(200, {
        sub: claims.sub, client_id: claims.client_id, scope: claims.scope, exp: claims.exp, token_type: tokenType, ...(jkt ? { jkt } : {}),
      });
    } catch (err) {
      log(`/api/me refused: ${err.message}`);
      return verifier.errorResponse(err, request);
    }
  }

  return me;
}
