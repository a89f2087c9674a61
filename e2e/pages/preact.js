// <aq-signin> rendered by Preact, configured and listened to only through props, as
// README's Preact section shows (h() here, so the page needs no JSX build step).
import { h, render } from 'preact';
import '/src/define.ts';

window.__preact = [];
const App = () =>
  h('aq-signin', {
    issuer: 'http://localhost:3100',
    'client-id': 'demo',
    size: 'large',
    'onaq-profile': (e) => window.__preact.push({ type: 'aq-profile', sub: e.detail.profile.sub }),
    'onaq-logout': (e) => window.__preact.push({ type: 'aq-logout', reason: e.detail.reason }),
    'onaq-error': (e) => window.__preact.push({ type: 'aq-error', code: e.detail.error.code }),
  });
render(h(App, null), document.getElementById('app'));
