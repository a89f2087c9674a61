/**
 * JWS algorithms a token from the OP may use here: asymmetric only. "none" would accept anything,
 * and an HMAC alg would let whoever knows the client secret (or a public key used as an HMAC
 * secret, the classic alg-confusion attack) mint tokens.
 */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
];

export function checkAlgorithms(algorithms: readonly string[] | undefined): string[] {
  const list = [...(algorithms ?? ASYMMETRIC_ALGORITHMS)];
  for (const alg of list) {
    if (!ASYMMETRIC_ALGORITHMS.includes(alg)) throw new TypeError(`"algorithms" may hold only asymmetric JWS algorithms, got "${alg}"`);
  }
  if (!list.length) throw new TypeError('"algorithms" must not be empty');
  return list;
}

/** Clock skew allowed on exp and iat, in seconds (oauth4webapi's default too). */
export const CLOCK_TOLERANCE = 30;
