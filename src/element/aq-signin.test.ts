import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import '../define.js';
import type { AqEventDetail } from '../events.js';
import type { AqSignin } from './aq-signin.js';

// Discovery must not reach the network: every fetch fails fast, as for an unreachable OP.
beforeAll(async () => {
  vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline in unit tests'))));
  // The element loads the relying party as a second chunk; loaded here once, so that the timings
  // below do not include transforming it (e2e/lazy.spec.ts covers a click before it arrives).
  // The element's own chunk, not only the client: under load its transform outlasted mount()'s wait.
  await import('./relying-party.js');
});

afterEach(() => {
  document.body.innerHTML = '';
});

async function mount(html: string): Promise<{ el: AqSignin; errors: AqEventDetail['aq-error'][] }> {
  const errors: AqEventDetail['aq-error'][] = [];
  document.addEventListener('aq-error', (e) => errors.push(e.detail));
  document.body.innerHTML = html;
  const el = document.querySelector('aq-signin')!;
  await el.updateComplete;
  await new Promise((r) => setTimeout(r, 20));
  return { el, errors };
}

describe('<aq-signin>', () => {
  it('reports a missing client-id once, naming it, also after a click', async () => {
    const { el, errors } = await mount('<aq-signin issuer="https://op.example"></aq-signin>');
    expect(errors.map((d) => d.error.code)).toEqual(['AQ_CONFIG_INVALID']);
    expect(errors[0].error.message).toContain('client-id');
    el.shadowRoot!.querySelector('button')!.click();
    await new Promise((r) => setTimeout(r, 20));
    expect(errors).toHaveLength(1);
  });

  it('renders a real button labelled "Sign in", or sign-in-text', async () => {
    const { el } = await mount('<aq-signin issuer="https://op.example" client-id="app" sign-in-text="Log in with Authentiq"></aq-signin>');
    const button = el.shadowRoot!.querySelector('button[part=button]')!;
    expect(button.getAttribute('type')).toBe('button');
    expect(button.getAttribute('aria-busy')).toBe('false');
    expect(button.textContent!.trim()).toBe('Log in with Authentiq');
    el.removeAttribute('sign-in-text');
    await el.updateComplete;
    expect(button.textContent!.trim()).toBe('Sign in');
  });

  it('speaks the language of ui-locales, then of the page', async () => {
    const { el } = await mount('<div lang="fr"><aq-signin issuer="https://op.example" client-id="app"></aq-signin></div>');
    expect(el.shadowRoot!.querySelector('button')!.textContent!.trim()).toBe('Se connecter');
    el.setAttribute('ui-locales', 'nl-BE de');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('button')!.textContent!.trim()).toBe('Inloggen');
  });

  it('registers once, whoever calls define again', async () => {
    const { defineAqSignin } = await import('../define.js');
    expect(() => defineAqSignin()).not.toThrow();
    expect(customElements.get('aq-signin')).toBeDefined();
  });
});

describe('<aq-signin> configured after connecting', () => {
  /** An element created and appended bare, as a script or a framework's bindings do, and the errors it reports. */
  function appendBare(): { el: AqSignin; errors: AqEventDetail['aq-error'][] } {
    const errors: AqEventDetail['aq-error'][] = [];
    document.addEventListener('aq-error', (e) => errors.push(e.detail));
    const el = document.createElement('aq-signin');
    document.body.append(el);
    return { el, errors };
  }

  it('uses attributes set right after append (createElement, append, setAttribute), with no stale config error', async () => {
    const { el, errors } = appendBare();
    el.setAttribute('issuer', 'https://op.example');
    el.setAttribute('client-id', 'app');
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 20));
    // The client was made from the full configuration: its prefetch reached the (offline) network.
    expect(errors.map((d) => d.error.code)).toEqual(['AQ_DISCOVERY_FAILED']);
  });

  it('reports a configuration that stays invalid once, and again after it was valid in between', async () => {
    const { el, errors } = appendBare();
    el.setAttribute('issuer', 'https://op.example');
    await el.updateComplete;
    el.setAttribute('scope', 'openid email');
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 20));
    expect(errors.map((d) => d.error.code)).toEqual(['AQ_CONFIG_INVALID']);
    el.setAttribute('client-id', 'app');
    await el.updateComplete;
    el.removeAttribute('client-id');
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 20));
    expect(errors.map((d) => d.error.code).filter((c) => c === 'AQ_CONFIG_INVALID')).toHaveLength(2);
  });
});

describe('<aq-signin> and a cross-origin backend', () => {
  afterEach(async () => {
    const { setAqSigninDefaults } = await import('./aq-signin.js');
    setAqSigninDefaults({ backendUrl: undefined, allowCrossOriginBackend: undefined });
  });

  it('takes the opt-in from its own attribute, never from the page-wide defaults', async () => {
    const { setAqSigninDefaults } = await import('./aq-signin.js');
    // What a script tag's data-backend-url and data-allow-cross-origin-backend="true" would give.
    setAqSigninDefaults({ backendUrl: 'https://evil.example/steal', allowCrossOriginBackend: 'true' });
    const refused = await mount('<aq-signin issuer="https://op.example" client-id="app"></aq-signin>');
    expect(refused.errors.map((d) => d.error.code)).toEqual(['AQ_CONFIG_INVALID']);
    expect(refused.errors[0].error.message).toContain('"backend-url" is on https://evil.example');
    const allowed = await mount('<aq-signin issuer="https://op.example" client-id="app" allow-cross-origin-backend></aq-signin>');
    // Valid, so it goes on to discovery, which is offline here.
    expect(allowed.errors.map((d) => d.error.code)).toEqual(['AQ_DISCOVERY_FAILED']);
    expect(allowed.el.allowCrossOriginBackend).toBe(true);
  });
});
