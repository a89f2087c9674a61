/**
 * JSX typings for `<aq-signin>` in React 19 (types only, nothing runs). Opt in once in the app:
 *
 *     import type {} from 'aq-signin/jsx';
 *
 * Attributes are spelled as in HTML (`client-id`), and events as React 19 passes them to custom
 * elements: `onaq-profile`, `onaq-logout`, `onaq-error`, `onaq-backend`, `onaq-token`.
 */
import type * as React from 'react';
import type { AqSignin } from '../element/aq-signin.js';
import type { AqSigninAttributes, AqSigninEventProps } from './jsx-types.js';

export type { AqSigninAttributes, AqSigninEventProps };

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'aq-signin': React.DetailedHTMLProps<React.HTMLAttributes<AqSignin>, AqSignin> & AqSigninAttributes & AqSigninEventProps;
    }
  }
}
