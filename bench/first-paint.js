// First paint of an ESM app's button, read by `npm run bench`: a classic script that runs before
// the app's modules. Each frame it looks for the element's labelled <button> in its shadow root;
// the frame that finds it paints it, and a task queued from that frame runs after the paint. Then
// it notes the time (from navigation start) and the scripts fully loaded by then (resource timing:
// encodedBodySize is the body as transferred, gzip here), and 2 s later every script loaded at all.
(() => {
  const tag = document.currentScript.dataset.element;
  const scripts = (until) => performance.getEntriesByType('resource')
    .filter((e) => /\.js$/.test(new URL(e.name).pathname) && !e.name.endsWith('/bench/first-paint.js') && e.responseEnd <= until)
    .map((e) => ({ url: new URL(e.name).pathname, bytes: e.encodedBodySize, end: e.responseEnd }));
  const look = () => {
    const button = document.querySelector(tag)?.shadowRoot?.querySelector('button');
    if (!button?.textContent.trim()) return requestAnimationFrame(look);
    setTimeout(() => {
      const ms = performance.now();
      const before = scripts(ms);
      setTimeout(() => (window.__firstPaint = { ms, before, all: scripts(Infinity) }), 2000);
    });
  };
  requestAnimationFrame(look);
})();
