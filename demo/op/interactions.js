// The dev OP's own login and consent pages, through oidc-provider 6.x's interaction API
// (`interactions.url` -> GET /interaction/:uid, `provider.interactionDetails` to read the pending
// request, `provider.interactionFinished` to answer it). They replace the stock devInteractions
// pages (grey box, DEBUG section) with an Authentiq-like look: who signs in, which app asks for
// what, Allow or Deny. Development only: any login name and password sign in (the name becomes
// `sub`).
//
// The markup keeps what the tests drive (e2e/fixtures.ts loginAtOp, scripts/bench.mjs,
// src/server/test-support/dev-op.ts): a form posting back to /interaction/:uid with a hidden
// `<input type="hidden" name="prompt" value="login|consent">`, `input[name=login]`,
// `input[name=password]`, exactly one `button[type=submit]` per page, and Cancel/Deny as a link
// to /interaction/:uid/abort (the RP gets error=access_denied).
//
// No inline script or style and nothing from the network: the pages carry a strict CSP and load
// one stylesheet from the OP itself.
import { readFileSync } from 'node:fs';

const STYLESHEET_PATH = '/_dev/op.css';
const STYLESHEET = readFileSync(new URL('op.css', import.meta.url));
const ICON_PATH = '/_dev/favicon.svg';
const ICON = readFileSync(new URL('favicon.svg', import.meta.url));
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What the consent page says about a scope: a label, and the value the app would receive. */
function describeScope(scope, claims) {
  const [name, modifiers = ''] = scope.split('~');
  const note = [modifiers.includes('r') && 'required', modifiers.includes('s') && 'signed'].filter(Boolean).join(', ');
  const verified = (ok) => (ok ? ' <span class="badge">verified</span>' : '');
  const row = (label, value) => ({ label, value, note });
  switch (name) {
    case 'profile':
    case 'aq:name': return row('Name', esc(claims.name));
    case 'email': return row('Email address', esc(claims.email) + verified(claims.email_verified));
    case 'phone': return row('Phone number', esc(claims.phone_number) + verified(claims.phone_number_verified));
    case 'address': return row('Postal address', esc(claims.address.formatted.replace(/\n/g, ', ')));
    case 'aq:location': return row('Location', esc(claims['aq:location'].address.formatted));
    case 'aq:username': return row('User name', esc(claims.preferred_username));
    case 'aq:locale': return row('Language', esc(claims.locale));
    case 'aq:zoneinfo': return row('Time zone', esc(claims.zoneinfo));
    case 'aq:push': return row('Push sign-in', 'Send sign-in requests to your phone');
    default: return row(esc(scope), '');
  }
}

function layout({ title, body }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Dev OP</title>
<link rel="icon" href="${ICON_PATH}" type="image/svg+xml">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main class="card">
<header class="brand"><span class="logo" aria-hidden="true">aq</span><span>Dev OP</span></header>
${body}
</main>
<p class="footnote">A development OpenID Provider on localhost. Any user name and password sign in.</p>
</body>
</html>`;
}

function initials(name) {
  return String(name).split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}

/** The app that asks: its client_id and the origin the answer goes to. */
function appOf(params) {
  let origin = '';
  try {
    origin = new URL(params.redirect_uri).origin;
  } catch {
    // No valid redirect_uri: oidc-provider would not have started an interaction.
  }
  return { name: params.client_id, origin };
}

function loginPage({ uid, params }) {
  const app = appOf(params);
  return layout({
    title: 'Sign in',
    body: `<h1>Sign in</h1>
<p class="lead">to continue to <strong>${esc(app.name)}</strong> <span class="origin">${esc(app.origin)}</span></p>
<form autocomplete="off" action="/interaction/${esc(uid)}" method="post">
<input type="hidden" name="prompt" value="login">
<label>User name <input required type="text" name="login" placeholder="alice" ${params.login_hint ? `value="${esc(params.login_hint)}"` : 'autofocus'}></label>
<label>Password <input required type="password" name="password" placeholder="anything" ${params.login_hint ? 'autofocus' : ''}></label>
<div class="actions">
<a class="button secondary" href="/interaction/${esc(uid)}/abort">Cancel</a>
<button type="submit" class="button primary">Sign in</button>
</div>
</form>`,
  });
}

function consentPage({ uid, params, prompt, session }, claimsOf) {
  const app = appOf(params);
  const claims = claimsOf(session?.accountId ?? '');
  const asked = (prompt.details?.scopes?.new?.length ? prompt.details.scopes.new : String(params.scope ?? '').split(' '))
    .filter((s) => s && s !== 'openid' && s !== 'offline_access');
  // profile and aq:name both ask for the name: one row each label.
  const rows = asked.map((scope) => describeScope(scope, claims)).filter((r, i, all) => all.findIndex((o) => o.label === r.label) === i);
  const list = rows.length
    ? `<ul class="claims">${rows.map((r) => `<li><span class="label">${r.label}${r.note ? ` <span class="note">${esc(r.note)}</span>` : ''}</span><span class="value">${r.value}</span></li>`).join('')}</ul>`
    : '<p>Only that it is you (your user identifier).</p>';
  return layout({
    title: 'Allow access',
    body: `<div class="user"><span class="avatar" aria-hidden="true">${esc(initials(claims.name))}</span>
<div><strong>${esc(claims.name)}</strong><br><span class="origin">${esc(claims.email)}</span></div></div>
<h1><strong>${esc(app.name)}</strong> would like to know</h1>
<p class="lead"><span class="origin">${esc(app.origin)}</span></p>
${list}
<form autocomplete="off" action="/interaction/${esc(uid)}" method="post">
<input type="hidden" name="prompt" value="consent">
<div class="actions">
<a class="button secondary" href="/interaction/${esc(uid)}/abort">Deny</a>
<button type="submit" class="button primary" autofocus>Allow</button>
</div>
</form>`,
  });
}

async function readForm(req, limit = 8 * 1024) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > limit) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/**
 * Koa middleware of the provider answering /interaction/:uid (GET: the page; POST: the form) and
 * /interaction/:uid/abort, plus the pages' stylesheet and icon. `claimsOf(sub)` gives the claims the
 * consent page previews.
 * @param {import('oidc-provider').Provider} provider
 * @param {(sub: string) => Record<string, any>} claimsOf
 */
export function interactionPages(provider, claimsOf) {
  return async function interactionPagesMiddleware(ctx, next) {
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      if (ctx.path === STYLESHEET_PATH) {
        ctx.type = 'text/css';
        ctx.set('cache-control', 'no-cache');
        ctx.body = STYLESHEET;
        return;
      }
      // The icon of the OP's tabs; /favicon.ico for its pages that do not name one (logout, errors).
      if (ctx.path === ICON_PATH || ctx.path === '/favicon.ico') {
        ctx.type = 'image/svg+xml';
        ctx.body = ICON;
        return;
      }
    }
    const m = /^\/interaction\/([^/]+)(\/abort)?$/.exec(ctx.path);
    if (!m) return next();
    ctx.set('cache-control', 'no-store');
    ctx.set('content-security-policy', CSP);
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== m[1]) ctx.throw(400, 'interaction mismatch');
    const finish = async (result, mergeWithLastSubmission) => {
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission }));
    };
    if (m[2]) {
      if (ctx.method !== 'GET') ctx.throw(405);
      return finish({ error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
    }
    if (ctx.method === 'GET') {
      ctx.type = 'html';
      if (details.prompt.name === 'login') ctx.body = loginPage(details);
      else if (details.prompt.name === 'consent') ctx.body = consentPage(details, claimsOf);
      else ctx.throw(501, `prompt ${details.prompt.name} is not implemented`);
      return;
    }
    if (ctx.method !== 'POST') ctx.throw(405);
    const form = await readForm(ctx.req);
    const submitted = form.get('prompt');
    if (submitted !== details.prompt.name) ctx.throw(400, `this interaction asks for ${details.prompt.name}, not ${submitted}`);
    if (submitted === 'login') {
      const login = form.get('login')?.trim();
      if (!login) ctx.throw(400, 'a user name is required');
      return finish({ login: { account: login, ts: Math.floor(Date.now() / 1000) } }, false);
    }
    return finish({ consent: {} }, true);
  };
}
