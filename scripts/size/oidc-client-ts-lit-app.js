// The peer of aq-signin-app.js: the same page with oidc-client-ts's UserManager behind a small Lit
// button (oidc-client-ts-lit-button.js) instead of <aq-signin>.
import { OidcSignin } from './oidc-client-ts-lit-button.js';

customElements.define('oidc-signin', OidcSignin);
document.body.insertAdjacentHTML('beforeend', '<oidc-signin issuer="https://op.example" client-id="app"></oidc-signin>');
