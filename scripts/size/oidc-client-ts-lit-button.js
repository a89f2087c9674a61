// What a developer builds instead of <aq-signin>: oidc-client-ts's UserManager behind a small Lit
// button. Sign in (popup or redirect), the callback, the user's name, sign out, session monitor.
// The app registers it (a module of this package outside "sideEffects" is only kept for its exports).
import { LitElement, html } from 'lit';
import { UserManager } from 'oidc-client-ts';

export class OidcSignin extends LitElement {
  static properties = { user: { state: true } };

  connectedCallback() {
    super.connectedCallback();
    const here = location.origin + location.pathname;
    this.manager ??= new UserManager({
      authority: this.getAttribute('issuer'),
      client_id: this.getAttribute('client-id'),
      redirect_uri: here,
      post_logout_redirect_uri: here,
      popup_redirect_uri: here,
      scope: this.getAttribute('scope') ?? 'openid profile',
      monitorSession: true,
    });
    this.manager.events.addUserLoaded((user) => (this.user = user));
    this.manager.events.addUserUnloaded(() => (this.user = null));
    this.manager.events.addUserSignedOut(() => this.manager.removeUser());
    const params = new URLSearchParams(location.search);
    // One callback for both displays: in the popup it hands the response to the opener and closes.
    const back = params.has('state') && (params.has('code') || params.has('error'))
      ? this.manager.signinCallback().then(() => history.replaceState(null, '', here))
      : Promise.resolve();
    back.catch(console.error).then(() => this.manager.getUser()).then((user) => (this.user = user));
  }

  toggle() {
    if (this.user) return this.manager.signoutRedirect();
    return this.getAttribute('display') === 'redirect' ? this.manager.signinRedirect() : this.manager.signinPopup();
  }

  render() {
    const name = this.user?.profile.name ?? this.user?.profile.sub;
    return html`<button part="button" @click=${() => this.toggle().catch(console.error)}>${this.user ? `Sign out ${name}` : 'Sign in'}</button>`;
  }
}
