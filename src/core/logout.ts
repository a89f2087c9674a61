import * as oauth from 'oauth4webapi';

const KEY = 'aq-signin:logout-state';

/**
 * RP-Initiated Logout 1.0 §2: sends the browser to the OP's end_session_endpoint with the ID token
 * as hint and a state that the return trip must bring back.
 */
export function endSession(endpoint: string, idToken: string, postLogoutRedirectUri: string, clientId: string): void {
  const state = oauth.generateRandomState();
  sessionStorage.setItem(KEY, state);
  const url = new URL(endpoint);
  url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('state', state);
  location.assign(url.href);
}

/**
 * On the way back from the OP's logout: removes our `state` from the URL. A state we did not send
 * (or none) is left alone and not reported: anyone can link to the page with ?state=.
 */
export function handleLogoutReturn(): boolean {
  const expected = sessionStorage.getItem(KEY);
  if (!expected) return false;
  const url = new URL(location.href);
  if (url.searchParams.get('state') !== expected || url.searchParams.has('code') || url.searchParams.has('error')) return false;
  sessionStorage.removeItem(KEY);
  url.searchParams.delete('state');
  history.replaceState(history.state, '', url.href);
  return true;
}
