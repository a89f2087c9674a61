// Compiled by `npm run typecheck` only. Svelte checks an element's attributes against
// SvelteHTMLElements; these objects stand for the attributes of <aq-signin> in markup.
import type { SvelteHTMLElements } from 'svelte/elements';
import type {} from './svelte.js';

type Tag = SvelteHTMLElements['aq-signin'];

export const readme: Tag = {
  issuer: 'https://op.example.com',
  'client-id': 'my-client',
  theme: 'orange',
  size: 'small',
  avatar: true,
  'onaq-profile': (e) => e.detail.profile.sub.toUpperCase(),
  'onaq-logout': (e) => e.detail.reason === 'remote',
};

// @ts-expect-error "client-id" is required
export const noClient: Tag = { issuer: 'https://op.example.com' };

// @ts-expect-error "purple" is not a theme
export const badTheme: Tag = { issuer: 'https://op.example.com', 'client-id': 'c', theme: 'purple' };

// @ts-expect-error "tiny" is not a size
export const badSize: Tag = { issuer: 'https://op.example.com', 'client-id': 'c', size: 'tiny' };

// @ts-expect-error the event detail of aq-logout has no profile
export const wrongDetail: Tag = { issuer: 'https://op.example.com', 'client-id': 'c', 'onaq-logout': (e) => e.detail.profile };
