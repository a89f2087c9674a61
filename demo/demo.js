// The demo page's only script (no inline script or style: works under a strict CSP). Claims and
// messages come from outside, so they are written with textContent, never as HTML.
import '/src/define.ts';
import { logEvent as logTo } from '/demo/event-log.js';

const profile = document.getElementById('profile');
const log = document.getElementById('log');
const logEvent = (type, text) => logTo(log, type, text);

// The events bubble and are composed, so one listener on the document hears every element.
document.addEventListener('aq-profile', (e) => {
  profile.textContent = JSON.stringify(e.detail.profile, null, 2);
  logEvent('aq-profile', `signed in as ${e.detail.profile.sub}`);
});
document.addEventListener('aq-logout', (e) => {
  profile.textContent = 'Not signed in.';
  logEvent('aq-logout', `reason: ${e.detail.reason}`);
});
document.addEventListener('aq-error', (e) => {
  const { code, message } = e.detail.error ?? {};
  logEvent('aq-error', `${code}: ${message}`);
});
