// The peer of `npm run bench`: oidc-client-ts's minimal redirect client (its browser build)
// against the same dev OP, with userinfo like aq-signin, and the marks the bench reads.
const manager = new oidc.UserManager({
  authority: 'http://localhost:3100',
  client_id: 'demo',
  redirect_uri: `${location.origin}${location.pathname}`,
  scope: 'openid profile email aq:location',
  loadUserInfo: true,
  monitorSession: sessionStorage.getItem('bench-monitor') === 'on',
  checkSessionIntervalInSeconds: 2,
});

document.getElementById('signin').addEventListener('click', () => {
  performance.mark('click');
  manager.signinRedirect();
});

if (new URLSearchParams(location.search).has('code')) {
  manager.signinCallback().then((user) => {
    performance.mark('signed-in');
    window.__signedIn = user.profile.sub;
  });
}

manager.events.addUserSignedOut(() => {
  performance.mark('signed-out');
  window.__signedOut = Date.now();
});
