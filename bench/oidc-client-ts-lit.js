// The ESM app of bench/oidc-client-ts-lit.html: the button npm run size compares aq-signin with.
import { OidcSignin } from '../scripts/size/oidc-client-ts-lit-button.js';

customElements.define('oidc-signin', OidcSignin);
