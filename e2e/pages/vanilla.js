// <aq-signin> made by a script the plain way: created, appended, then configured, as Angular's
// bindings and much hand-written code do. The attributes arrive after the element connected.
import '/src/define.ts';

window.__heard = [];
const el = document.createElement('aq-signin');
document.getElementById('app').append(el);
el.setAttribute('issuer', 'http://localhost:3100');
el.setAttribute('client-id', 'demo');
el.setAttribute('size', 'large');
el.setAttribute('avatar', '');
el.addEventListener('aq-profile', (e) => window.__heard.push({ type: 'aq-profile', value: e.detail.profile.sub }));
el.addEventListener('aq-logout', (e) => window.__heard.push({ type: 'aq-logout', value: e.detail.reason }));
// A configuration error reported for the moment before the attributes came would be a false one.
el.addEventListener('aq-error', (e) => window.__heard.push({ type: 'aq-error', value: e.detail.error.message }));
