// The peer of the renewal bench: oidc-client-ts with automaticSilentRenew and refresh tokens,
// the user in localStorage so that tabs share it (as storage="local" does), renewing as close to
// expiry as ours (2.5 s before a 10 s token: ours renews after three quarters of its life).
const manager = new oidc.UserManager({
  authority: 'http://localhost:3100',
  client_id: 'demo',
  redirect_uri: `${location.origin}${location.pathname}`,
  scope: 'openid profile offline_access',
  prompt: 'consent',
  loadUserInfo: false,
  automaticSilentRenew: true,
  accessTokenExpiringNotificationTimeInSeconds: 2.5,
  userStore: new oidc.WebStorageStateStore({ store: window.localStorage }),
});
window.__tokens = [];
window.__errors = [];
document.getElementById('signin').addEventListener('click', () => manager.signinRedirect());
manager.events.addUserLoaded((user) => window.__tokens.push({ at: performance.now(), token: user.access_token }));
manager.events.addSilentRenewError((err) => window.__errors.push(String(err?.message ?? err)));
manager.events.addUserSignedOut(() => (window.__loggedOut = 'signed-out'));
if (new URLSearchParams(location.search).has('code')) {
  manager.signinCallback().then(() => {
    window.__tokens = []; // the sign-in's own token is not a renewal
    window.__signedIn = true;
  });
} else {
  manager.getUser().then((user) => (window.__signedIn = !!user));
}
