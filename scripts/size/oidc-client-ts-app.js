// oidc-client-ts's minimal redirect client (code + PKCE), the same job without a button.
import { UserManager } from 'oidc-client-ts';

const manager = new UserManager({ authority: 'https://op.example', client_id: 'app', redirect_uri: location.origin + '/' });
if (new URLSearchParams(location.search).has('code')) manager.signinCallback().then((user) => console.log(user?.profile.sub));
document.querySelector('button')?.addEventListener('click', () => manager.signinRedirect());
