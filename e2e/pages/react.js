// <aq-signin> rendered by React 19, configured and listened to only through props, as README's
// React section shows (createElement here, so the page needs no JSX build step).
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import '/src/define.ts';

window.__heard = [];
const App = () =>
  createElement('aq-signin', {
    issuer: 'http://localhost:3100',
    'client-id': 'demo',
    size: 'large',
    avatar: true,
    'onaq-profile': (e) => window.__heard.push({ type: 'aq-profile', value: e.detail.profile.sub }),
    'onaq-logout': (e) => window.__heard.push({ type: 'aq-logout', value: e.detail.reason }),
  });
createRoot(document.getElementById('app')).render(createElement(App));
