/**
 * Svelte 5 typings for `<aq-signin>` (types only, nothing runs). Opt in once in the app:
 *
 *     import type {} from 'aq-signin/svelte';
 *
 * Attributes are spelled as in HTML (`client-id`). Svelte 5 listens to the event an `on`
 * attribute names, so `onaq-profile={(e) => …}` hears `aq-profile`.
 */
import type { HTMLAttributes as SvelteAttributes } from 'svelte/elements';
import type { AqSignin } from '../element/aq-signin.js';
import type { AqSigninAttributes, AqSigninEventProps } from './jsx-types.js';

export type { AqSigninAttributes, AqSigninEventProps };

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    'aq-signin': Omit<SvelteAttributes<AqSignin>, keyof AqSigninAttributes> & AqSigninAttributes & AqSigninEventProps;
  }
}
