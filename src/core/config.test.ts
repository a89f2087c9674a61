import { describe, expect, it } from 'vitest';
import { AqError } from '../errors.js';
import type { AqClientOptions } from './config.js';
import { resolveConfig } from './config.js';

const base: AqClientOptions = { issuer: 'https://op.example', clientId: 'app' };

function configError(options: Partial<AqClientOptions>): AqError {
  try {
    resolveConfig({ ...base, ...options } as AqClientOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(AqError);
    expect((err as AqError).code).toBe('AQ_CONFIG_INVALID');
    return err as AqError;
  }
  throw new Error('expected AQ_CONFIG_INVALID');
}

describe('resolveConfig', () => {
  it('takes api-origins as exact origins only: https, or http on localhost; none by default', () => {
    expect(resolveConfig(base).apiOrigins).toEqual([]);
    expect(resolveConfig({ ...base, apiOrigins: ' https://api.example  http://localhost:8080 ' }).apiOrigins).toEqual(['https://api.example', 'http://localhost:8080']);
    expect(resolveConfig({ ...base, apiOrigins: ['https://api.example'] }).apiOrigins).toEqual(['https://api.example']);
    expect(configError({ apiOrigins: 'https://api.example/' }).message).toContain('"api-origins" must list exact origins such as "https://api.example"');
    expect(configError({ apiOrigins: 'https://api.example/v1' }).message).toContain('exact origins');
    expect(configError({ apiOrigins: 'https://*.example.com' }).message).toMatch(/"api-origins"/);
    expect(configError({ apiOrigins: 'http://api.example' }).message).toContain('https');
    expect(configError({ apiOrigins: 'api.example' }).message).toContain('absolute URL');
  });

  it('names the missing attribute', () => {
    expect(configError({ issuer: '' }).message).toContain('"issuer" is required');
    expect(configError({ clientId: '' }).message).toContain('"client-id" is required');
  });

  it('refuses an issuer that is not an https URL, allowing http on loopback only', () => {
    expect(configError({ issuer: 'op.example' }).message).toContain('"issuer" must be an absolute URL');
    expect(configError({ issuer: 'http://op.example' }).message).toContain('https');
    expect(configError({ issuer: 'https://op.example/?tenant=1' }).message).toContain('query');
    expect(resolveConfig({ ...base, issuer: 'http://localhost:3000' }).issuer.href).toBe('http://localhost:3000/');
  });

  it('adds openid to the scope and keeps Authentiq suffixes verbatim', () => {
    expect(resolveConfig({ ...base, scope: 'email~r aq:location~s' }).scope).toBe('openid email~r aq:location~s');
    expect(resolveConfig(base).scope).toBe('openid profile email');
  });

  it('picks the defaults of the contract', () => {
    const c = resolveConfig(base);
    expect([c.responseType, c.responseMode, c.display, c.storage, c.sessionInterval]).toEqual(['code', 'query', 'popup', 'session', 2000]);
    expect(c.redirectUri).toBe(`${location.origin}${location.pathname}`);
  });

  it('defaults to the fragment for front-channel tokens and refuses them in the query', () => {
    expect(resolveConfig({ ...base, responseType: 'token id_token' }).responseType).toBe('id_token token');
    expect(resolveConfig({ ...base, responseType: 'id_token' }).responseMode).toBe('fragment');
    expect(configError({ responseType: 'code token', responseMode: 'query' }).message).toContain('"response-mode"');
  });

  it('names the attribute and the value of a bad choice', () => {
    const message = configError({ display: 'modal' }).message;
    expect(message).toContain('"display"');
    expect(message).toContain('"modal"');
    expect(configError({ storage: 'cookie' }).message).toContain('"storage"');
    expect(configError({ responseType: 'token' }).message).toContain('"response-type"');
  });

  it('keeps the popup redirect URI on the page origin', () => {
    expect(configError({ redirectUri: 'https://elsewhere.example/cb' }).message).toContain('"redirect-uri"');
    expect(resolveConfig({ ...base, display: 'redirect', redirectUri: 'https://elsewhere.example/cb' }).redirectUri).toBe('https://elsewhere.example/cb');
    expect(configError({ redirectUri: '/cb#x' }).message).toContain('fragment');
  });

  it('merges auth-params and the named parameters, refusing the ones the SDK owns', () => {
    const c = resolveConfig({ ...base, authParams: '{"token":"abc","n":1}', prompt: 'login', loginHint: 'a@b', uiLocales: 'de', acrValues: 'x', maxAge: '60' });
    expect(c.extraParams).toEqual({ token: 'abc', n: '1', prompt: 'login', login_hint: 'a@b', ui_locales: 'de', acr_values: 'x', max_age: '60' });
    expect(resolveConfig({ ...base, authParams: { token: 't' } }).extraParams).toEqual({ token: 't' });
    for (const key of ['state', 'nonce', 'code_challenge', 'client_id', 'redirect_uri']) {
      expect(configError({ authParams: { [key]: 'x' } }).message).toContain(`"${key}"`);
    }
    expect(configError({ authParams: 'not json' }).message).toContain('"auth-params"');
    // max_age becomes the auth_time check, so it must be one.
    expect(configError({ authParams: { max_age: 'soon' } }).message).toMatch(/"auth-params" "max_age" must be a whole number/);
    expect(resolveConfig({ ...base, authParams: '{"max_age":60}' }).extraParams.max_age).toBe('60');
    expect(configError({ authParams: '[1]' }).message).toContain('JSON object');
  });

  it('keeps the order of a scope that has openid; http only on loopback addresses', () => {
    expect(resolveConfig({ ...base, scope: 'profile openid email~r' }).scope).toBe('profile openid email~r');
    expect(resolveConfig({ ...base, issuer: 'http://127.0.0.1:3000' }).issuer.host).toBe('127.0.0.1:3000');
    expect(resolveConfig({ ...base, issuer: 'http://[::1]:3000' }).issuer.host).toBe('[::1]:3000');
    expect(configError({ issuer: 'http://localhost.evil.example' }).message).toContain('https');
    expect(configError({ issuer: 'https://op.example/?' }).message).toContain('query');
  });

  it('wants whole non-negative numbers', () => {
    for (const maxAge of ['1.5', ' ', '0x10', '1e3']) expect(configError({ maxAge }).message).toContain('"max-age"');
    expect(configError({ sessionInterval: ' ' }).message).toContain('"session-interval"');
    expect(configError({ maxAge: '-1' }).message).toContain('"max-age"');
    expect(configError({ sessionInterval: 'soon' }).message).toContain('"session-interval"');
    expect(resolveConfig({ ...base, sessionInterval: '0' }).sessionInterval).toBe(0);
  });

  it('resolves init-url and backend-url against the page', () => {
    const c = resolveConfig({ ...base, initUrl: '/api/init', backendUrl: '/api/code' });
    expect(c.initUrl).toBe(`${location.origin}/api/init`);
    expect(c.backendUrl).toBe(`${location.origin}/api/code`);
  });
});

describe('backend-url and init-url on another origin', () => {
  it('refuses them, naming the attribute and the origin, unless the page allows it', () => {
    const backend = configError({ backendUrl: 'https://evil.example/steal' }).message;
    expect(backend).toContain('"backend-url" is on https://evil.example,');
    expect(backend).toContain(location.origin);
    expect(backend).toContain('"allow-cross-origin-backend"');
    expect(configError({ initUrl: 'https://evil.example/init' }).message).toContain('"init-url" is on https://evil.example,');
    // Same host, other port or scheme: another origin all the same.
    const otherPort = new URL(location.href);
    otherPort.port = String(Number(otherPort.port || 80) + 1);
    expect(configError({ backendUrl: otherPort.href }).message).toContain('"backend-url"');
    expect(configError({ backendUrl: 'data:text/plain,x' }).message).toContain('"backend-url" is on null');
  });

  it('takes them with allowCrossOriginBackend, over https (http on loopback only)', () => {
    const c = resolveConfig({ ...base, allowCrossOriginBackend: true, backendUrl: 'https://api.example/code', initUrl: 'https://api.example/init' });
    expect([c.backendUrl, c.initUrl]).toEqual(['https://api.example/code', 'https://api.example/init']);
    expect(configError({ allowCrossOriginBackend: true, backendUrl: 'http://api.example/code' }).message).toContain('https');
    expect(resolveConfig({ ...base, allowCrossOriginBackend: true, backendUrl: 'http://127.0.0.1:9/code' }).backendUrl).toBe('http://127.0.0.1:9/code');
  });

  it('logout-events-url gets the ID token or the session cookie: the same rule', () => {
    expect(resolveConfig({ ...base, logoutEventsUrl: '/api/logout-events' }).logoutEventsUrl).toBe(`${location.origin}/api/logout-events`);
    expect(configError({ logoutEventsUrl: 'https://evil.example/listen' }).message).toContain('"logout-events-url" is on https://evil.example,');
    expect(resolveConfig({ ...base, allowCrossOriginBackend: true, logoutEventsUrl: 'https://api.example/events' }).logoutEventsUrl).toBe('https://api.example/events');
    expect(configError({ allowCrossOriginBackend: true, logoutEventsUrl: 'http://api.example/events' }).message).toContain('https');
  });

  it('opens only for true, not for a string', () => {
    expect(configError({ allowCrossOriginBackend: 'false' as unknown as boolean, backendUrl: 'https://evil.example/steal' }).message).toContain('"backend-url"');
  });
});

describe('clock-skew and clock-tolerance', () => {
  it("default to oauth4webapi's: no skew, 30 s of tolerance", () => {
    const c = resolveConfig(base);
    expect([c.clockSkew, c.clockTolerance]).toEqual([0, 30]);
  });

  it('take whole seconds, the skew either way', () => {
    expect(resolveConfig({ ...base, clockSkew: '-120', clockTolerance: '150' })).toMatchObject({ clockSkew: -120, clockTolerance: 150 });
    expect(resolveConfig({ ...base, clockSkew: ' +120 ', clockTolerance: 0 })).toMatchObject({ clockSkew: 120, clockTolerance: 0 });
    for (const clockSkew of ['soon', '1.5', '0x10', '1e3', '- 1']) expect(configError({ clockSkew }).message).toContain('"clock-skew"');
    for (const clockTolerance of ['-1', '1.5', 'lots']) expect(configError({ clockTolerance }).message).toContain('"clock-tolerance"');
  });
});

describe('form_post', () => {
  it('needs a redirect-uri that takes the POST', () => {
    expect(configError({ responseMode: 'form_post' }).message).toContain('"redirect-uri" is required');
    expect(resolveConfig({ ...base, responseMode: 'form_post', redirectUri: '/auth/form-post' }).responseMode).toBe('form_post');
  });
});

describe('dpop and par', () => {
  it('dpop is auto unless "off" or "required"; anything else names the attribute', () => {
    expect(resolveConfig(base).dpop).toBe('auto');
    expect(resolveConfig({ ...base, dpop: 'required' }).dpop).toBe('required');
    expect(configError({ dpop: 'on' }).message).toContain('"dpop" must be one of "auto", "off", "required", got "on"');
  });

  it('dpop "required" refuses response types that hand out a Bearer token in the front channel', () => {
    expect(configError({ dpop: 'required', responseType: 'code token' }).message).toContain('"dpop" "required" needs a response type without "token"');
    expect(resolveConfig({ ...base, dpop: 'required', responseType: 'code id_token' }).responseType).toBe('code id_token');
    expect(configError({ dpop: 'required', backendUrl: '/api/auth/code' }).message).toContain('"dpop" "required" does not go with "backend-url"');
  });

  it('par is on only for a real true (the string "false" of a data-* default is not)', () => {
    expect(resolveConfig({ ...base, par: true }).par).toBe(true);
    expect(resolveConfig({ ...base, par: 'false' as unknown as boolean }).par).toBe(false);
    expect(resolveConfig(base).par).toBe(false);
  });
});
