import type { AqClientOptions } from './config.js';

// Apart from config.ts so that the element can tell a configuration change from any other
// before the relying party (and the validation in config.ts) has loaded.
/** Every option, in the order of the attribute table; the element's configuration properties. */
export const OPTIONS = [
  'issuer', 'clientId', 'scope', 'responseType', 'responseMode', 'display', 'redirectUri', 'prompt',
  'loginHint', 'uiLocales', 'acrValues', 'maxAge', 'authParams', 'storage', 'sessionInterval',
  'initUrl', 'backendUrl', 'allowCrossOriginBackend', 'clockSkew', 'clockTolerance', 'logoutEventsUrl', 'apiOrigins',
  'dpop', 'par',
] as const satisfies readonly (keyof AqClientOptions)[];
