// First render: from loading the script-tag build (which registers <aq-signin>) to the first
// paint of N buttons already in the page.
const n = Number(new URLSearchParams(location.search).get('n') ?? 1);
document.body.insertAdjacentHTML('beforeend', '<aq-signin issuer="http://localhost:3100" client-id="demo" session-interval="0"></aq-signin>'.repeat(n));
const script = document.createElement('script');
script.src = '/dist/aq-signin.js';
script.onload = async () => {
  const t0 = performance.getEntriesByName(new URL(script.src, location.href).href)[0]?.responseEnd ?? 0;
  await Promise.all([...document.querySelectorAll('aq-signin')].map((el) => el.updateComplete));
  requestAnimationFrame(() => setTimeout(() => (window.__renderMs = performance.now() - t0)));
};
document.body.append(script);
