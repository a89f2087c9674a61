// The props of <aq-signin> for the JSX frameworks' pages (react.js, preact.js): both pass
// attributes and on<event> handlers to a custom element as they are, as the README shows.
export const props = {
  issuer: 'http://localhost:3100',
  'client-id': 'demo',
  size: 'large',
  avatar: true,
  'onaq-profile': (e) => window.__heard.push({ type: 'aq-profile', value: e.detail.profile.sub }),
  'onaq-logout': (e) => window.__heard.push({ type: 'aq-logout', value: e.detail.reason }),
  'onaq-error': (e) => window.__heard.push({ type: 'aq-error', value: e.detail.error.code }),
};
