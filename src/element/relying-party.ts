// The element's second chunk: the relying party, and what the element needs of it once it is in.
// The button paints without any of it (docs/size-and-speed.md: first paint).
export { signedInClient } from '../core/client.js';
export { relayPopupResponse } from '../core/popup.js';
export { bindClaims } from './bind-claims.js';
export { linkClient, sameConfig, startClient, unlinkClient } from './client-link.js';
