import { AqSignin } from './element/aq-signin.js';

/**
 * Registers `<aq-signin>` (or a custom tag). Calling it again, or after another copy of the
 * library registered the tag, does nothing.
 */
export function defineAqSignin(tag = 'aq-signin', registry: CustomElementRegistry = customElements): void {
  if (!registry.get(tag)) registry.define(tag, tag === 'aq-signin' ? AqSignin : class extends AqSignin {});
}

defineAqSignin();

declare global {
  interface HTMLElementTagNameMap {
    'aq-signin': AqSignin;
  }
}

export { AqSignin };
