// An SPA that uses only the SDK, no element: createClient + signIn() in a click, and
// handleRedirectCallback() on every load of its page, which is also its redirect URI. In the
// popup that call hands the answer to the opener and closes the popup. ?display=redirect|popup.
import { createClient } from '/src/index.ts';

const out = document.getElementById('out');
const display = new URLSearchParams(location.search).get('display') ?? 'popup';
const client = createClient({ issuer: 'http://localhost:3100', clientId: 'demo', display, redirectUri: `${location.origin}${location.pathname}` });
const show = (user) => (out.textContent = user ? `profile ${user.profile.sub}` : 'ready');
const fail = (err) => (out.textContent = `error ${err.code}`);
document.getElementById('signin').addEventListener('click', () => client.signIn().then(show, fail));
client.prefetch().catch(fail);
client.handleRedirectCallback().then(show, fail);
