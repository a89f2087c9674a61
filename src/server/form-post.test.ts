// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createFormPostHandler } from './form-post.js';

const post = (body: string, type = 'application/x-www-form-urlencoded') =>
  new Request('https://app.example/auth/form-post', { method: 'POST', headers: { 'content-type': type }, body });

describe('createFormPostHandler', () => {
  const handler = createFormPostHandler({ returnTo: '/signin' });

  it('sends the response on to the app page in the fragment, and only the response', async () => {
    const response = await handler(post('code=c1&state=s1&iss=https%3A%2F%2Fop.example&other=x'));
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://app.example/signin');
    expect(location.search).toBe('');
    expect(Object.fromEntries(new URLSearchParams(location.hash.slice(1)))).toEqual({ code: 'c1', state: 's1', iss: 'https://op.example' });
  });

  it('refuses what is not a form-posted authorization response', async () => {
    expect((await handler(post('code=c1'))).status).toBe(400);
    expect((await handler(post('{"state":"s"}', 'application/json'))).status).toBe(400);
    expect((await handler(new Request('https://app.example/auth/form-post'))).status).toBe(405);
  });

  it('never sends the browser to another origin', async () => {
    const open = createFormPostHandler({ returnTo: 'https://evil.example/' });
    expect((await open(post('code=c&state=s'))).status).toBe(400);
  });
});
