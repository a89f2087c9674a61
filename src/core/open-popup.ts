import { AqError } from '../errors.js';

// Apart from popup.ts: the element opens a popup inside a click that comes before the relying
// party (popup.ts among it) has loaded.
const WIDTH = 500;
const HEIGHT = 650;

/**
 * Opens the popup. Must run synchronously inside the click handler: any await before
 * `window.open` loses the user gesture and popup blockers win.
 */
export function openPopup(url: string): Window {
  const left = Math.max(0, (screen.availWidth - WIDTH) / 2);
  const top = Math.max(0, (screen.availHeight - HEIGHT) / 2);
  const popup = window.open(url, 'aq-signin', `popup=yes,width=${WIDTH},height=${HEIGHT},left=${left},top=${top}`);
  if (!popup) throw new AqError('AQ_POPUP_BLOCKED', 'the browser blocked the sign-in popup; allow popups for this site or use display="redirect"');
  return popup;
}
