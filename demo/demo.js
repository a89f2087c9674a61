// The popup and redirect demo pages' only script (no inline script or style: works under a
// strict CSP). Claims and messages come from outside, so they are written as text, never as HTML.
import '/src/define.ts';
import { logEvent as logTo } from '/demo/event-log.js';
import { renderProfile } from '/demo/profile-card.js';

const profile = document.getElementById('profile');
const log = document.getElementById('log');
const logEvent = (type, text) => logTo(log, type, text);
renderProfile(profile, null);

// The events bubble and are composed, so one listener on the document hears every element.
document.addEventListener('aq-profile', (e) => {
  renderProfile(profile, e.detail.profile);
  logEvent('aq-profile', `signed in as ${e.detail.profile.sub}`);
});
document.addEventListener('aq-logout', (e) => {
  renderProfile(profile, null);
  logEvent('aq-logout', `reason: ${e.detail.reason}`);
});
document.addEventListener('aq-error', (e) => {
  const { code, message } = e.detail.error ?? {};
  logEvent('aq-error', `${code}: ${message}`);
});
