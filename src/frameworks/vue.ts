/**
 * Vue 3 template typings for `<aq-signin>` (types only, nothing runs). Opt in once in the app:
 *
 *     import type {} from 'aq-signin/vue';
 *
 * Vue checks a tag of its templates against `GlobalComponents`, reading props from `$props` and
 * events from `$emit` (the pattern of Vue's guide, "Non-Vue Web Components and TypeScript"). The
 * compiler must still treat the tag as a custom element (`isCustomElement`), as at run time.
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { AqSignin } from '../element/aq-signin.js';
import type { AqEventMap } from '../events.js';
import type { AqSigninProps } from './jsx-types.js';

export type { AqSigninProps };

declare module 'vue' {
  interface GlobalComponents {
    'aq-signin': new () => AqSignin & {
      /** @deprecated For template type checking only: the element has no `$props`. */
      $props: Omit<HTMLAttributes, keyof AqSigninProps> & AqSigninProps & PublicProps;
      /** @deprecated For template type checking only: the element has no `$emit`. */
      $emit: EmitFn<{ [K in keyof AqEventMap]: (event: AqEventMap[K]) => void }>;
    };
  }
}
