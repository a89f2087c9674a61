import { AqSignin } from './element/aq-signin.js';

/**
 * Registers `<aq-signin>` (or a custom tag). Calling it again, or after another copy of the
 * library registered the tag, does nothing. Importing this module registers nothing.
 */
export function defineAqSignin(tag?: string, registry?: CustomElementRegistry): void {
  AqSignin.define(tag, registry);
}
