// Test harness for the e2e pages (a classic script placed after the element):
// - applies the attributes a test put in sessionStorage['aq-e2e'] ({ name: value | null }),
// - records every aq-* event in window.__aqEvents as JSON-safe data.
(() => {
  const attrs = JSON.parse(sessionStorage.getItem('aq-e2e') || '{}');
  for (const el of document.querySelectorAll('aq-signin')) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null) el.removeAttribute(name);
      else el.setAttribute(name, value);
    }
  }
  window.__aqEvents = [];
  const copy = (detail) => {
    const error = detail && detail.error;
    if (!error) return JSON.parse(JSON.stringify(detail));
    return { error: { name: error.name, code: error.code, message: error.message, error: error.error, errorDescription: error.errorDescription, status: error.status } };
  };
  for (const type of ['aq-profile', 'aq-logout', 'aq-error', 'aq-backend', 'aq-token']) {
    document.addEventListener(type, (e) => window.__aqEvents.push({ type, detail: copy(e.detail), at: Date.now() }));
  }
})();
