import * as oauth from 'oauth4webapi';
import { AqError } from '../errors.js';
import type { AqConfig } from './config.js';
import { discovered } from './discovery.js';
import { lazyPart } from './lazy-part.js';

// DPoP (RFC 9449): every token request of the client asks here for the handle to send proofs
// with. The key store (IndexedDB, WebCrypto) is a chunk of its own, loaded only when DPoP is on.
const keys = lazyPart('DPoP key', () => import('./dpop-key.js'));

/** RFC 9449 §5.1: the OP lists the algorithms it verifies proofs with; ours is ES256. */
function offered(as: oauth.AuthorizationServer): boolean {
  return !!as.dpop_signing_alg_values_supported?.includes('ES256');
}

/**
 * The oauth4webapi DPoP handle for this issuer and client, or undefined when DPoP is off (the
 * `dpop` option, an OP that does not advertise ES256 in `dpop_signing_alg_values_supported`, no
 * code to redeem, or a backend that redeems it).
 * With `dpop: "required"`, an OP or a browser that cannot do it is an `AQ_CONFIG_INVALID` error.
 */
export async function dpopFor(config: AqConfig, as: oauth.AuthorizationServer): Promise<oauth.DPoPHandle | undefined> {
  // Only what the browser redeems at the token endpoint can be bound: nothing without a code, and
  // with backend-url the backend redeems it (a dpop_jkt of our key would make its exchange fail).
  if (config.dpop === 'off' || !config.responseType.includes('code') || config.backendUrl) return undefined;
  if (offered(as)) return (await keys()).handleFor(config, (pair) => oauth.DPoP({ [oauth.clockSkew]: config.clockSkew }, pair));
  if (config.dpop === 'required') {
    throw new AqError('AQ_CONFIG_INVALID', `"dpop" is "required" but the OP at ${config.issuer.href} does not advertise ES256 in "dpop_signing_alg_values_supported"`);
  }
  return undefined;
}

/** Forgets this issuer and client's key pair (after sign-out): the next sign-in makes a new one. */
export async function dropDpopKey(config: AqConfig): Promise<void> {
  const d = discovered(config.issuer);
  if (config.dpop !== 'off' && d && offered(d.as)) await (await keys()).dropKey(config);
}

/**
 * Runs a request with a DPoP proof, and once more if the server answers `use_dpop_nonce` (RFC
 * 9449 §8 at the OP, §9 at a resource server): the handle keeps the nonce of that answer and puts
 * it in the next proof. `run` must both send and process, which is where oauth4webapi throws it.
 */
export async function retryOnNonce<T>(dpop: oauth.DPoPHandle | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (dpop && oauth.isDPoPNonceError(err)) return run();
    throw err;
  }
}
