import { expect, it } from 'vitest';

// Its own test file: vitest isolates each file, so no other import has registered the tag here.
it('importing aq-signin registers nothing; its defineAqSignin registers the tag, once', async () => {
  const lib = await import('./index.js');
  expect(customElements.get('aq-signin')).toBeUndefined();
  lib.defineAqSignin();
  expect(customElements.get('aq-signin')).toBe(lib.AqSignin);
  expect(() => lib.defineAqSignin()).not.toThrow();
  lib.defineAqSignin('my-signin');
  expect(customElements.get('my-signin')?.prototype).toBeInstanceOf(lib.AqSignin);
});
