import { css } from 'lit';

// Themes from Authentiq's palette. Each text/background pair passes WCAG AA (4.5:1) for normal
// text: basic 4.7, orange 8.6, grey 6.1, white 11.0.
export const styles = css`
  :host {
    display: inline-block;
    vertical-align: middle;
    /* Sizes in rem, not inherited: "medium" must not depend on the page's font size. */
    font-size: 1rem;
    --_bg: #895fc0;
    --_fg: #fff;
    --_border: 1px solid transparent;
  }
  :host([theme='orange']) {
    --_bg: #f5a623;
    --_fg: #1a1a1a;
  }
  :host([theme='grey']) {
    --_bg: #5f6368;
    --_fg: #fff;
  }
  :host([theme='white']) {
    --_bg: #fff;
    --_fg: #3c3c3c;
    --_border: 1px solid #8a8d91;
  }
  :host([hidden]) {
    display: none;
  }
  :host([size='small']) {
    font-size: 0.875rem;
  }
  :host([size='large']) {
    font-size: 1.25rem;
  }
  button {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    margin: 0;
    padding: var(--aq-signin-padding, 0.5em 1em);
    border: var(--aq-signin-border, var(--_border));
    border-radius: var(--aq-signin-radius, 4px);
    background: var(--aq-signin-background, var(--_bg));
    color: var(--aq-signin-color, var(--_fg));
    font: var(--aq-signin-font, 500 1rem/1.25 system-ui, sans-serif);
    font-size: 1em;
    cursor: pointer;
  }
  button:hover {
    filter: brightness(1.06);
  }
  button:focus-visible {
    outline: 2px solid transparent;
    box-shadow: var(--aq-signin-focus-ring, 0 0 0 2px #fff, 0 0 0 4px #5b3a86);
  }
  button[aria-busy='true'] {
    cursor: progress;
  }
  /* theme="none": no look of ours at all, for full custom styling through ::part(). */
  :host([theme='none']) button {
    all: unset;
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    cursor: pointer;
  }
  :host([theme='none']) button:focus-visible {
    outline: auto;
  }
  /* The default icon and the avatar, the only svg and img of the shadow tree. */
  svg,
  img {
    width: 1.25em;
    height: 1.25em;
    flex: none;
  }
  img {
    border-radius: 50%;
    object-fit: cover;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
