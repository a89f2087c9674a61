// What the framework typings share (jsx.ts, jsx-preact.ts, vue.ts, svelte.ts): the element's
// attributes, and its events as on<event> props (React 19 and Preact both listen to "aq-profile"
// for "onaq-profile").
import type { AqEventMap } from '../events.js';

/** The element's attributes (README, "Element"); `issuer` and `client-id` are required. */
export interface AqSigninAttributes {
  issuer: string;
  'client-id': string;
  scope?: string;
  'response-type'?: 'code' | 'id_token' | 'id_token token' | 'code id_token' | 'code token' | 'code id_token token';
  'response-mode'?: 'query' | 'fragment' | 'form_post';
  display?: 'popup' | 'redirect';
  'redirect-uri'?: string;
  prompt?: string;
  'login-hint'?: string;
  'ui-locales'?: string;
  'acr-values'?: string;
  'max-age'?: number | string;
  'auth-params'?: string;
  'session-interval'?: number | string;
  storage?: 'session' | 'local' | 'memory';
  'end-session'?: boolean;
  'init-url'?: string;
  'backend-url'?: string;
  'allow-cross-origin-backend'?: boolean;
  'clock-skew'?: number | string;
  'clock-tolerance'?: number | string;
  'api-origins'?: string;
  'logout-events-url'?: string;
  dpop?: 'auto' | 'off' | 'required';
  par?: boolean;
  theme?: 'basic' | 'orange' | 'grey' | 'white' | 'none';
  size?: 'small' | 'medium' | 'large';
  avatar?: boolean;
  'sign-in-text'?: string;
  'sign-out-text'?: string;
  'sign-out-claim'?: string;
}

/** `onaq-profile={(e) => e.detail.profile}` and the other events, with their details typed. */
export type AqSigninEventProps = { [K in keyof AqEventMap as `on${K}`]?: (event: AqEventMap[K]) => void };

/** `client-id` -> `clientId`. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** The attributes by their camelCase (property) names: how Vue's template checker looks them up. */
export type AqSigninProps = { [K in keyof AqSigninAttributes as Camel<K>]: AqSigninAttributes[K] };
