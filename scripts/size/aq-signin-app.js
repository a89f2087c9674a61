// The ESM default path: an app that registers <aq-signin> and signs in with the code flow.
import 'aq-signin/define';

document.body.insertAdjacentHTML('beforeend', '<aq-signin issuer="https://op.example" client-id="app"></aq-signin>');
document.addEventListener('aq-profile', (e) => console.log(e.detail.profile.sub));
