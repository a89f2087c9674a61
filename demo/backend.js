// The backend demo page's only script (no inline script or style: works under a strict CSP).
// Everything shown comes from outside, so it is written with textContent, never as HTML.
import '/src/define.ts';
import { logEvent as logTo } from '/demo/event-log.js';

const $ = (id) => document.getElementById(id);
const authsignal = $('authsignal');
const options = $('authsignal-options');
const logEvent = (type, text) => logTo($('log'), type, text);

// The user and the simulated outcome travel to the backend in init-url's query; the backend
// passes them to the OP's /init-auth.
function updateInitUrl() {
  const data = new FormData(options);
  const query = new URLSearchParams({ user: String(data.get('user') || 'alice'), simulate: String(data.get('simulate')) });
  authsignal.setAttribute('init-url', `/api/auth/init?${query}`);
}
options.addEventListener('input', updateInitUrl);
options.addEventListener('submit', (e) => e.preventDefault());
updateInitUrl();

document.addEventListener('aq-backend', (e) => {
  $('answer').textContent = JSON.stringify(e.detail, null, 2);
  logEvent('aq-backend', `HTTP ${e.detail.status} from ${e.target.id}`);
  refreshSession();
});
document.addEventListener('aq-profile', (e) => logEvent('aq-profile', `signed in as ${e.detail.profile.sub} (${e.target.id})`));
document.addEventListener('aq-logout', (e) => logEvent('aq-logout', `reason: ${e.detail.reason} (${e.target.id})`));
document.addEventListener('aq-error', (e) => {
  const { code, message, status } = e.detail.error ?? {};
  logEvent('aq-error', `${code}${status ? ` (HTTP ${status})` : ''}: ${message}`);
  if (code === 'AQ_BACKEND_FAILED') $('answer').textContent = message;
});

let last = '';
async function refreshSession() {
  let text;
  let state;
  try {
    const res = await fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' });
    state = await res.json();
    text = JSON.stringify(state, null, 2);
  } catch (err) {
    text = `backend unreachable: ${err.message}`;
  }
  $('session').textContent = text;
  if (state && text !== last) {
    if (state.ended === 'backchannel-logout') {
      logEvent('backend', 'the backend session was ended by a back-channel logout from the OP');
      // The page's buttons still hold a user; the backend says they are gone.
      for (const el of document.querySelectorAll('aq-signin')) if (el.signedIn) el.signOut();
    }
    last = text;
  }
}
$('local-logout').addEventListener('click', async () => {
  await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
  refreshSession();
});
refreshSession();
setInterval(() => {
  if (!document.hidden) refreshSession();
}, 2000);
