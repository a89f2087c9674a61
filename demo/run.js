// `npm run demo`: the dev OP on :3000 and a Vite dev server on :5173 serving the demo pages, which
// import the library straight from /src. Both must be on `localhost`: on one site the OP's
// session cookie reaches its check_session frame. OP_PORT and DEMO_PORT move them (the tests do).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { demoBackend } from './backend/server.js';
import { startOp } from './op/provider.js';
import { redirectUriLines, rpOriginsFrom } from './op/rp-origins.js';

const OP_PORT = Number(process.env.OP_PORT || 3000);
const RP_PORT = Number(process.env.DEMO_PORT || 5173);
const root = fileURLToPath(new URL('..', import.meta.url));

// Root is the repository so that `/src/define.ts` resolves; the demo pages are mapped to short
// URLs, which are also their redirect URIs (the element defaults to the page URL).
const HEADER = readFileSync(new URL('header.html', import.meta.url), 'utf8').trim();
const PAGES = { '/': '/demo/index.html', '/redirect.html': '/demo/redirect.html', '/backend.html': '/demo/backend.html', '/api.html': '/demo/api.html' };
const csp = (issuer) => [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' https:",
  `connect-src 'self' ${issuer} ws://localhost:*`, `frame-src ${issuer}`, "object-src 'none'", "base-uri 'none'",
].join('; ');
const demoPages = (issuer) => ({
  name: 'aq-demo-pages',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const path = req.url.split('?')[0];
      if (PAGES[path]) req.url = PAGES[path] + req.url.slice(path.length);
      // Pages declare /demo/favicon.svg; this is for what asks /favicon.ico anyway (the OP's tabs do not).
      if (path === '/favicon.ico') req.url = '/demo/favicon.svg';
      // The demo pages run under a strict CSP: no inline script or style, nothing from the network.
      if (PAGES[path]) res.setHeader('content-security-policy', csp(issuer));
      next();
    });
  },
  // One header for every page (the current one marked), the OP where OP_PORT put it and the pages where DEMO_PORT did.
  transformIndexHtml: (html, { path }) => {
    const page = Object.keys(PAGES).find((p) => PAGES[p] === path) ?? path;
    const header = HEADER.replace(`<a href="${page}">`, `<a href="${page}" aria-current="page">`);
    return html.replace('<!-- demo-header -->', header).replaceAll('localhost:3000', new URL(issuer).host).replaceAll('localhost:5173', `localhost:${RP_PORT}`);
  },
});

const inUse = (err) => err?.code === 'EADDRINUSE' || /already in use/i.test(err?.message ?? '');
function fail(err, port, what) {
  console.error(inUse(err) ? `Port ${port} is already in use (${what}): stop whatever runs there and try again.` : err);
  process.exit(1);
}

// RP_ORIGINS: a newcomer's own page on another origin may sign in at the demo's OP too.
let rpOrigins;
try {
  rpOrigins = rpOriginsFrom(process.env, `http://localhost:${RP_PORT}`);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

let op;
try {
  // The demo backend (inside the Vite server) hears the OP's back-channel logouts. Access tokens
  // live a minute (AQ_OP_ACCESS_TOKEN_TTL to change it), so that renewals show (docs/tokens.md).
  op = await startOp({
    port: OP_PORT, rpOrigins, backchannelLogoutUri: `http://localhost:${RP_PORT}/api/backchannel-logout`,
    accessTokenTtl: Number(process.env.AQ_OP_ACCESS_TOKEN_TTL) || 60,
  });
} catch (err) {
  fail(err, OP_PORT, 'the dev OP');
}

let vite;
try {
  vite = await createServer({
    configFile: false, // vite.config.ts is the library build, not this dev server
    root,
    appType: 'mpa',
    clearScreen: false,
    logLevel: 'warn',
    plugins: [demoPages(op.issuer), demoBackend({ issuer: op.issuer, redisUrl: process.env.REDIS_URL })],
    // Lit's production build, as an app ships it: the development build would greet every page
    // load with its "Lit is in dev mode" console warning (lit.dev/docs/tools/development).
    resolve: { conditions: ['module', 'browser', 'production'] },
    // Pre-bundled up front: a dependency found later makes Vite reload the page.
    optimizeDeps: { entries: ['demo/*.html'], include: ['lit', 'oauth4webapi'] },
    // A cache of its own: another Vite server (the e2e pages, a second demo) re-optimizing into a
    // shared one answers this one's pages "504 Outdated Optimize Dep".
    cacheDir: 'node_modules/.vite/demo',
    server: { host: 'localhost', port: RP_PORT, strictPort: true },
  });
  await vite.listen();
} catch (err) {
  await op.close();
  fail(err, RP_PORT, 'the demo page');
}

console.log(`Dev OP:    ${op.issuer} (client_id "demo")`);
for (const line of redirectUriLines(rpOrigins)) console.log(`           ${line}`);
console.log(`Demo page: http://localhost:${RP_PORT}/ (popup), http://localhost:${RP_PORT}/redirect.html (redirect), http://localhost:${RP_PORT}/backend.html (backend hand-off, Authsignal-style),`);
console.log(`           http://localhost:${RP_PORT}/api.html (an API called with renewed tokens)`);
console.log('');
console.log(`Open http://localhost:${RP_PORT}/ and click Sign in (any user name and password work)`);
console.log(`Remote sign-out push: ${process.env.REDIS_URL ? `logout bus and replay store in Redis at ${process.env.REDIS_URL}` : 'in this process (REDIS_URL=redis://127.0.0.1:6379 to share them through Redis)'}`);
console.log('Ctrl-C stops both.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) process.exit(1); // a second Ctrl-C does not wait
    stopping = true;
    await Promise.allSettled([vite.close(), op.close()]);
    process.exit(0);
  });
}
