// <aq-signin> rendered by Preact, configured and listened to only through props, as
// README's Preact section shows (h() here, so the page needs no JSX build step).
import { h, render } from 'preact';
import '/src/define.ts';

window.__heard = [];
const App = () =>
  h('aq-signin', {
    issuer: 'http://localhost:3100',
    'client-id': 'demo',
    size: 'large',
    avatar: true,
    'onaq-profile': (e) => window.__heard.push({ type: 'aq-profile', value: e.detail.profile.sub }),
    'onaq-logout': (e) => window.__heard.push({ type: 'aq-logout', value: e.detail.reason }),
    'onaq-error': (e) => window.__heard.push({ type: 'aq-error', value: e.detail.error.code }),
  });
render(h(App, null), document.getElementById('app'));
