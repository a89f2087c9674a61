/**
 * JSX typings for `<aq-signin>` in Preact 10 (types only, nothing runs). Opt in once in the app:
 *
 *     import type {} from 'aq-signin/jsx-preact';
 *
 * Attributes are spelled as in HTML (`client-id`). Preact adds a listener for an `on` prop that
 * names no DOM event by the rest of its name, so `onaq-profile` listens to `aq-profile`.
 */
import type { HTMLAttributes as PreactAttributes } from 'preact';
import type { AqSignin } from '../element/aq-signin.js';
import type { AqSigninAttributes, AqSigninEventProps } from './jsx-types.js';

export type { AqSigninAttributes, AqSigninEventProps };

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      // Preact's HTMLAttributes list every HTML attribute (size is a number there): ours win.
      'aq-signin': Omit<PreactAttributes<AqSignin>, keyof AqSigninAttributes> & AqSigninAttributes & AqSigninEventProps;
    }
  }
}
