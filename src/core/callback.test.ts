import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCallback, stripResponse } from './callback.js';

describe('parseCallback', () => {
  it('finds a response in the query or the fragment', () => {
    expect(parseCallback('https://rp.example/?code=c&state=s')).toMatchObject({ from: 'query' });
    const fragment = parseCallback('https://rp.example/#id_token=t&state=s');
    expect(fragment?.from).toBe('fragment');
    expect(fragment?.params.get('id_token')).toBe('t');
    expect(parseCallback('https://rp.example/?error=access_denied&state=s')?.params.get('error')).toBe('access_denied');
  });

  it('ignores what is not an OP response', () => {
    expect(parseCallback('https://rp.example/?code=promo')).toBeUndefined();
    expect(parseCallback('https://rp.example/?state=s')).toBeUndefined();
    expect(parseCallback('https://rp.example/#section')).toBeUndefined();
    expect(parseCallback('not a url')).toBeUndefined();
  });
});

describe('stripResponse', () => {
  it('removes the response and keeps the page own parameters', () => {
    expect(stripResponse('https://rp.example/p?tab=2&code=c&state=s&session_state=x&iss=i')).toBe('https://rp.example/p?tab=2');
    expect(stripResponse('https://rp.example/p?code=c&state=s')).toBe('https://rp.example/p');
    expect(stripResponse('https://rp.example/p#access_token=a&id_token=t&state=s&token_type=Bearer&expires_in=60')).toBe('https://rp.example/p');
  });

  it('leaves a fragment that is not a response alone', () => {
    expect(stripResponse('https://rp.example/p?code=c&state=s#top')).toBe('https://rp.example/p#top');
  });
});

describe('parsing never crashes', () => {
  // Any query and fragment a visitor or an attacker can put in the address bar.
  const part = fc.oneof(
    fc.string(),
    fc.array(fc.tuple(fc.constantFrom('code', 'state', 'error', 'id_token', 'access_token', 'iss', 'x', '', '%', '&', '='), fc.string()), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  );

  it('returns a response or nothing, and stripping leaves a URL without the response', () => {
    fc.assert(
      fc.property(part, part, (query, fragment) => {
        let href: string;
        try {
          href = new URL(`https://rp.example/p?${query}#${fragment}`).href;
        } catch {
          return;
        }
        const cb = parseCallback(href);
        expect(cb === undefined || cb.params instanceof URLSearchParams).toBe(true);
        expect(parseCallback(stripResponse(href))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('stripResponse keeps the page', () => {
  it('touches only the part that carried the response, keeping the spelling of the rest', () => {
    expect(stripResponse('https://rp.example/shop?code=promo#id_token=t&state=s')).toBe('https://rp.example/shop?code=promo');
    expect(stripResponse('https://rp.example/p?flag&q=a%20b&code=c&state=s')).toBe('https://rp.example/p?flag&q=a%20b');
    expect(parseCallback('https://rp.example/#access_token=a&state=s')?.from).toBe('fragment');
  });
});
