// The script-tag build: one classic script that registers <aq-signin> and exposes window.AqSignin.
import './define.js';
import { relayPopupResponse } from './core/popup.js';

export * from './index.js';
export { defineAqSignin } from './define.js';

// A page that only hosts this script (e.g. public/callback.html) can serve as the popup's redirect URI.
relayPopupResponse();
