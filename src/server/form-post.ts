import { RESPONSE_PARAMS } from '../core/callback.js';
import { AqServerError } from './errors.js';
import { errorResponse, readForm, requirePost } from './http.js';

export interface FormPostOptions {
  /**
   * The app page the browser goes back to (absolute, or relative to the request): the page with
   * `<aq-signin>` (or the popup's redirect page), on the same origin as the handler.
   */
  returnTo: string;
}

/**
 * The redirect URI for `response-mode="form_post"` (OAuth 2.0 Form Post Response Mode): the OP
 * POSTs the response here, and this answers 303 See Other to `returnTo` with the response in the
 * fragment, where the element reads it (popup or redirect) exactly as a fragment response. No
 * page and no script: fine under any CSP. The fragment never reaches a server or a Referer.
 * The handler checks nothing: the element checks state, iss and the ID token when it reads it.
 */
export function createFormPostHandler(options: FormPostOptions): (request: Request) => Promise<Response> {
  if (!options?.returnTo) throw new TypeError('createFormPostHandler: "returnTo" is required');
  return async (request) => {
    try {
      requirePost(request);
      const form = await readForm(request);
      if (!form.has('state')) throw new AqServerError('invalid_request', 'the form has no "state": not an authorization response');
      const target = new URL(options.returnTo, request.url);
      if (target.origin !== new URL(request.url).origin) throw new AqServerError('invalid_request', `returnTo ${target.href} is not on this origin`);
      const fragment = new URLSearchParams();
      // Only what an authorization response may carry; anything else in the form is dropped.
      for (const name of RESPONSE_PARAMS) {
        const value = form.get(name);
        if (value !== null) fragment.set(name, value);
      }
      target.hash = fragment.toString();
      return new Response(null, { status: 303, headers: { location: target.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
    } catch (err) {
      if (err instanceof AqServerError) return errorResponse(err);
      throw err;
    }
  };
}
