// The tokens chunk (docs/tokens.md): what client.ts loads when a user has a refresh token, the ID
// token nears its expiry, or the page asks for a token. One chunk: a page that renews also calls.
export { Renewer } from './renewer.js';
export { apiFetch } from './api-fetch.js';
