// The marks the renewal bench reads: signed in, and every aq-token with its time.
window.__tokens = [];
document.addEventListener('aq-profile', () => (window.__signedIn = true));
document.addEventListener('aq-token', (e) => window.__tokens.push({ at: performance.now(), token: e.detail.accessToken }));
document.addEventListener('aq-logout', (e) => (window.__loggedOut = e.detail.reason));
