/** @jsxImportSource preact */
// Compiled by `npm run typecheck` only: the Preact typings accept what the README shows and refuse
// what the element would reject. The cases of jsx.check.tsx, on purpose: a file has one JSX
// runtime, and both typings must hold the same contract.
import type {} from './jsx-preact.js';

export const readme = (
  <aq-signin issuer="https://op.example.com" client-id="my-client" theme="orange" avatar onaq-profile={(e) => e.detail.profile.sub.toUpperCase()} />
);

export const logout = <aq-signin issuer="https://op.example.com" client-id="c" onaq-logout={(e) => e.detail.reason === 'remote'} />;

// @ts-expect-error "client-id" is required
export const noClient = <aq-signin issuer="https://op.example.com" />;

// @ts-expect-error "purple" is not a theme
export const badTheme = <aq-signin issuer="https://op.example.com" client-id="c" theme="purple" />;

// @ts-expect-error the event detail of aq-logout has no profile
export const wrongDetail = <aq-signin issuer="https://op.example.com" client-id="c" onaq-logout={(e) => e.detail.profile} />;

export const sized = <aq-signin issuer="https://op.example.com" client-id="c" size="small" scope="openid" prompt="login" display="redirect" />;

// @ts-expect-error "tiny" is not a size (Preact's own size attribute is a number)
export const badSize = <aq-signin issuer="https://op.example.com" client-id="c" size="tiny" />;
