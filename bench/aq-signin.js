// The marks `npm run bench` reads on the aq-signin side; runs before the script-tag build.
const el = document.querySelector('aq-signin');
el.setAttribute('session-interval', sessionStorage.getItem('bench-monitor') === 'on' ? '2000' : '0');
el.addEventListener('click', () => performance.mark('click'), { capture: true });
document.addEventListener('aq-profile', (e) => {
  performance.mark('signed-in');
  window.__signedIn = e.detail.profile.sub;
});
document.addEventListener('aq-logout', () => (window.__signedOut = Date.now()));
