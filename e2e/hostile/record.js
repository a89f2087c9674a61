// The hostile-OP page's recorder: `?display=popup` switches the element to a popup before it
// upgrades (the redirect URI stays the bare page URL), and every aq-* event lands in
// window.__aqEvents as { type, detail } with errors as { code, message }.
const display = new URLSearchParams(location.search).get('display');
if (display) document.querySelector('aq-signin')?.setAttribute('display', display);

window.__aqEvents = [];
const plain = (detail) =>
  detail?.error ? { error: { code: detail.error.code, message: detail.error.message } } : JSON.parse(JSON.stringify(detail ?? null));
for (const type of ['aq-profile', 'aq-logout', 'aq-error', 'aq-backend']) {
  document.addEventListener(type, (e) => window.__aqEvents.push({ type, detail: plain(e.detail) }));
}
