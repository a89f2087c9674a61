import { defineAqSignin } from './define-aq-signin.js';
import { AqSignin } from './element/aq-signin.js';

defineAqSignin();

declare global {
  interface HTMLElementTagNameMap {
    'aq-signin': AqSignin;
  }
}

export { AqSignin, defineAqSignin };
