import { css } from 'lit';

// Colours from Authentiq's palette; every one passes WCAG AA against its text colour.
export const styles = css`
  :host {
    display: inline-block;
    vertical-align: middle;
    --_bg: var(--aq-signin-background, #6f46a8);
    --_fg: var(--aq-signin-color, #fff);
    --_border: var(--aq-signin-border, 1px solid transparent);
    --_radius: var(--aq-signin-radius, 4px);
    --_font: var(--aq-signin-font, 500 1rem/1.25 system-ui, sans-serif);
    --_padding: var(--aq-signin-padding, 0.5em 1em);
    --_focus: var(--aq-signin-focus-ring, 0 0 0 3px #fff, 0 0 0 5px #6f46a8);
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
    padding: var(--_padding);
    border: var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    font: var(--_font);
    font-size: 1em;
    cursor: pointer;
  }
  button:hover {
    filter: brightness(1.08);
  }
  button:focus-visible {
    outline: none;
    box-shadow: var(--_focus);
  }
  button[aria-busy='true'] {
    cursor: progress;
    opacity: 0.85;
  }
  [part='icon'] {
    width: 1.2em;
    height: 1.2em;
    flex: none;
  }
`;
