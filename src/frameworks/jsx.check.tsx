// Compiled by `npm run typecheck` only: the JSX typings accept what the README shows and refuse
// what the element would reject.
import type {} from './jsx.js';
import type { OPTIONS } from '../core/config.js';
import type { AqSigninProps } from './jsx-types.js';

export const readme = (
  <aq-signin issuer="https://op.example.com" client-id="my-client" theme="orange" avatar onaq-profile={(e) => e.detail.profile.sub.toUpperCase()} />
);

export const logout = <aq-signin issuer="https://op.example.com" client-id="c" onaq-logout={(e) => e.detail.reason === 'remote'} />;

export const token = <aq-signin issuer="https://op.example.com" client-id="c" api-origins="https://api.example.com" onaq-token={(e) => e.detail.accessToken.length} onaq-logout={(e) => e.detail.reason === 'renewal-refused'} />;

// @ts-expect-error "api-origins" is a space-separated string, not a list
export const badOrigins = <aq-signin issuer="https://op.example.com" client-id="c" api-origins={['https://api.example.com']} />;

// @ts-expect-error "client-id" is required
export const noClient = <aq-signin issuer="https://op.example.com" />;

// @ts-expect-error "purple" is not a theme
export const badTheme = <aq-signin issuer="https://op.example.com" client-id="c" theme="purple" />;

// @ts-expect-error the event detail of aq-logout has no profile
export const wrongDetail = <aq-signin issuer="https://op.example.com" client-id="c" onaq-logout={(e) => e.detail.profile} />;

export const sized = <aq-signin issuer="https://op.example.com" client-id="c" size="small" scope="openid" prompt="login" display="redirect" />;

// @ts-expect-error "tiny" is not a size
export const badSize = <aq-signin issuer="https://op.example.com" client-id="c" size="tiny" />;

// Every option of the relying party has a typed attribute: a new option fails here until typed.
type Untyped = Exclude<(typeof OPTIONS)[number], keyof AqSigninProps>;
export const everyOptionTyped: [Untyped] extends [never] ? true : Untyped = true;
