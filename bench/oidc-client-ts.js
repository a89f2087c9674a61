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
  // The e2e OP's access tokens live 10 s (for the renewal tests), inside this default's 60 s
  // "expiring" notice: left on, it renews through an iframe again and again, which the idle rows
  // would count as the cost of session monitoring. Ours, without a refresh token, renews only
  // before the ID token's hour is up; the renewal rows compare the two renewals.
  automaticSilentRenew: false,
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
