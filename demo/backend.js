// The backend demo page's only script (no inline script or style: works under a strict CSP).
// Everything shown comes from outside, so it is written as text, never as HTML.
import '/src/define.ts';
import { logEvent as logTo } from '/demo/event-log.js';
import { renderProfile } from '/demo/profile-card.js';

const $ = (id) => document.getElementById(id);
const authsignal = $('authsignal');
const options = $('authsignal-options');
const logEvent = (type, text) => logTo($('log'), type, text);
const buttons = () => [...document.querySelectorAll('aq-signin')];

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

// Buttons this page signs out because the backend's session is gone: their aq-logout says
// "user" (the page called signOut()); the log names the real cause.
const signedOutBecause = new WeakMap();
function signOutButtons(cause) {
  for (const el of buttons()) {
    if (!el.signedIn) continue;
    signedOutBecause.set(el, cause);
    el.signOut();
  }
}

document.addEventListener('aq-backend', (e) => {
  $('answer').textContent = JSON.stringify(e.detail, null, 2);
  logEvent('aq-backend', `HTTP ${e.detail.status} from ${e.target.id}`);
  refreshSession();
});
document.addEventListener('aq-profile', (e) => logEvent('aq-profile', `signed in as ${e.detail.profile.sub} (${e.target.id})`));
document.addEventListener('aq-logout', async (e) => {
  const cause = signedOutBecause.get(e.target);
  signedOutBecause.delete(e.target);
  logEvent('aq-logout', cause ? `reason: ${cause} (${e.target.id})` : `reason: ${e.detail.reason} (${e.target.id})`);
  // A sign-out with the button ends the backend session that sign-in started ("remote": the
  // logout stream says the OP's back-channel logout already ended it).
  if (!cause && e.detail.reason === 'user') await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
  refreshSession();
});
document.addEventListener('aq-error', (e) => {
  const { code, message, status } = e.detail.error ?? {};
  logEvent('aq-error', `${code}${status ? ` (HTTP ${status})` : ''}: ${message}`);
  if (code === 'AQ_BACKEND_FAILED') $('answer').textContent = message;
  refreshSession();
});

const ENDED = { 'backchannel-logout': 'ended by the OP (back-channel logout)', logout: 'ended here' };
function showSession(state, error) {
  const status = $('session-status');
  if (error) {
    status.dataset.state = 'error';
    status.textContent = `Backend unreachable: ${error}`;
    return;
  }
  status.dataset.state = state.active ? 'active' : 'inactive';
  status.textContent = state.active
    ? `Active: ${state.sub} via ${state.client_id}${state.action_state ? ` (${state.action_state})` : ''}, since ${new Date(state.since).toLocaleTimeString()}`
    : `No session${state.ended ? `: ${ENDED[state.ended] ?? state.ended} at ${new Date(state.at).toLocaleTimeString()}` : ''}`;
  renderProfile($('profile'), state.active ? state.profile ?? { sub: state.sub } : null);
}

let last = '';
async function refreshSession() {
  let state;
  try {
    const res = await fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' });
    state = await res.json();
  } catch (err) {
    showSession(null, err.message);
    return;
  }
  const text = JSON.stringify(state, null, 2);
  $('session').textContent = text;
  showSession(state);
  if (text !== last) {
    if (state.ended === 'backchannel-logout') {
      logEvent('backend', 'the backend session was ended by a back-channel logout from the OP');
      // The page's buttons still hold a user; the backend says they are gone.
      signOutButtons('remote (back-channel logout)');
    }
    last = text;
  }
}
$('local-logout').addEventListener('click', async () => {
  await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
  logEvent('backend', 'the backend session was ended here');
  signOutButtons('backend session ended here');
  refreshSession();
});
refreshSession();
setInterval(() => {
  if (!document.hidden) refreshSession();
}, 2000);
