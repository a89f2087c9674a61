import { describe, expect, it } from 'vitest';
import { allowedOrigin } from './api-fetch.js';

describe('allowedOrigin', () => {
  const origins = ['https://api.example.com', 'http://localhost:8080'];
  it('takes exactly the listed origins, whatever the path', () => {
    expect(allowedOrigin(new URL('https://api.example.com/v1/me?x=1'), origins)).toBe(true);
    expect(allowedOrigin(new URL('http://localhost:8080/'), origins)).toBe(true);
  });
  it('refuses a subdomain, a parent domain, another port or scheme, and a look-alike', () => {
    for (const url of ['https://evil.api.example.com/', 'https://example.com/', 'https://api.example.com:444/', 'http://api.example.com/',
      'https://api.example.com.evil.example/', 'https://api.example.com@evil.example/', 'http://localhost:8081/', 'http://127.0.0.1:8080/']) {
      expect(allowedOrigin(new URL(url), origins), url).toBe(false);
    }
  });
  it('refuses everything when no origin is listed (the default)', () => {
    expect(allowedOrigin(new URL('https://api.example.com/'), [])).toBe(false);
  });
});
