// The hostile-OP page's recorder: `?display=popup` and `?response_type=` set the element up before it
// upgrades (the redirect URI stays the bare page URL), and every aq-* event lands in
// window.__aqEvents as { type, detail } with errors as { code, message }.
const query = new URLSearchParams(location.search);
for (const [param, attribute] of [['display', 'display'], ['response_type', 'response-type']]) {
  if (query.get(param)) document.querySelector('aq-signin')?.setAttribute(attribute, query.get(param));
}

window.__aqEvents = [];
const plain = (detail) =>
  detail?.error ? { error: { code: detail.error.code, message: detail.error.message } } : JSON.parse(JSON.stringify(detail ?? null));
for (const type of ['aq-profile', 'aq-logout', 'aq-error', 'aq-backend', 'aq-token']) {
  document.addEventListener(type, (e) => window.__aqEvents.push({ type, detail: plain(e.detail) }));
}
