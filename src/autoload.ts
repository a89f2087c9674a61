// The script-tag build: one classic script that registers <aq-signin> and exposes window.AqSignin.
import { relayPopupResponse } from './core/popup.js';
import { defineAqSignin } from './define-aq-signin.js';
import { AqSignin, setAqSigninDefaults } from './element/aq-signin.js';

export * from './index.js';

// A page that only hosts this script (e.g. public/callback.html) can serve as the popup's redirect URI.
relayPopupResponse();

/**
 * The `<script>` element running this file. Not `document.currentScript`: Document has legacy
 * named properties that override its own, so scriptless injected HTML such as
 * `<img name="currentScript" data-backend-url="https://evil.example/">` replaces it and would
 * configure every element (DOM clobbering, as in CVE-2024-43788). The getter of
 * Document.prototype is out of reach of named properties; and only a real HTML `<script>` counts.
 */
function runningScript(): HTMLScriptElement | undefined {
  const current: unknown = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript')?.get?.call(document);
  return current instanceof HTMLScriptElement && current.localName === 'script' ? current : undefined;
}

// <script src="aq-signin.js" data-issuer="…" data-client-id="…"> sets defaults for every
// <aq-signin> on the page, as AuthentiqJS's data-* configuration did; element attributes win.
// dataset turns data-client-id into clientId, the element's property names. Set before
// registering, so that elements already in the page start with them.
const script = runningScript();
if (script && Object.keys(script.dataset).length) setAqSigninDefaults({ ...script.dataset });
defineAqSignin();

declare global {
  interface HTMLElementTagNameMap {
    'aq-signin': AqSignin;
  }
}
