import type { AqProfile } from '../core/store.js';

// Called only once a client exists, so it comes with the relying-party chunk, not the first paint.

/** Fills `[data-aq-bind="<claim>"]` elements with the claim as text (never HTML), or empties them. */
export function bindClaims(profile: AqProfile | null): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-aq-bind]')) {
    const value = profile?.[el.dataset.aqBind!];
    el.textContent = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
  }
}
