// The API demo page's only script: the element's fetch() calls the demo backend's /api/me, and
// every renewal is logged. Answers come from outside, so they are written as text.
import '/src/define.ts';
import { logEvent as logTo } from '/demo/event-log.js';

const button = document.querySelector('aq-signin');
const log = document.getElementById('log');
const answer = document.getElementById('answer');
const logEvent = (type, text) => logTo(log, type, text);
const time = (s) => new Date(s * 1000).toLocaleTimeString();

document.addEventListener('aq-profile', (e) => logEvent('aq-profile', `signed in as ${e.detail.profile.sub}`));
document.addEventListener('aq-token', (e) => logEvent('aq-token', `access token renewed, valid until ${time(e.detail.expiresAt)}`));
document.addEventListener('aq-logout', (e) => logEvent('aq-logout', `reason: ${e.detail.reason}`));
document.addEventListener('aq-error', (e) => logEvent('aq-error', `${e.detail.error?.code}: ${e.detail.error?.message}`));

document.getElementById('call').addEventListener('click', async () => {
  answer.textContent = 'Calling…';
  try {
    const response = await button.fetch('/api/me');
    const body = await response.json();
    answer.textContent = `${response.status}\n${JSON.stringify(body, null, 2)}`;
    logEvent('api', `GET /api/me: ${response.status}`);
  } catch (err) {
    answer.textContent = `${err.code ?? err.name}: ${err.message}`;
    logEvent('aq-error', `${err.code ?? err.name}: ${err.message}`);
  }
});
