import type * as oauth from 'oauth4webapi';
import type { AqConfig } from './config.js';

// Placeholder of the DPoP module (RFC 9449): every token request of the client asks it for the
// handle to send proofs with. Until it lands, DPoP is off and tokens are Bearer.

/**
 * The oauth4webapi DPoP handle for this issuer and client, or undefined when DPoP is off (the
 * `dpop` option, or an OP that does not advertise `dpop_signing_alg_values_supported`).
 */
export async function dpopFor(_config: AqConfig, _as: oauth.AuthorizationServer): Promise<oauth.DPoPHandle | undefined> {
  return undefined;
}

/** Forgets this issuer and client's key pair (after sign-out): the next sign-in makes a new one. */
export async function dropDpopKey(_config: AqConfig): Promise<void> {}
