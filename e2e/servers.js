// The e2e world, started by Playwright's webServer and stopped with it: the dev OP on :3100 and a
// Vite dev server on :5174 serving e2e/pages/*.html (the library straight from /src) and /dist.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { createServer } from 'vite';
import { demoBackend } from '../demo/backend/server.js';
import { startOp } from '../demo/op/provider.js';

export const OP_PORT = 3100;
export const RP_PORT = 5174;
const root = fileURLToPath(new URL('..', import.meta.url));

// The strict page of the CSP test, served as is (no Vite client injected) with the policy of
// issue 6: nothing inline, no eval, Trusted Types required. ?frame-src=op or ?frame-src=self
// leaves the other frame source out, for the tests of what a too strict policy gives.
const FRAME_SOURCES = { op: `http://localhost:${OP_PORT}`, self: "'self'" };
function cspFor(frameSrc = "'self' " + FRAME_SOURCES.op) {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", `frame-src ${frameSrc}`,
    `connect-src 'self' http://localhost:${OP_PORT}`, "img-src 'self' data: https:", "require-trusted-types-for 'script'", 'trusted-types lit-html',
  ].join('; ');
}
const strictPage = {
  name: 'aq-e2e-strict-page',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/e2e/pages/csp.html') return next();
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('content-security-policy', cspFor(FRAME_SOURCES[url.searchParams.get('frame-src')]));
      // ?report-only=self: also a report-only policy whose frame-src has 'self' alone (it blocks nothing).
      if (url.searchParams.get('report-only') === 'self') res.setHeader('content-security-policy-report-only', cspFor(FRAME_SOURCES.self));
      res.end(readFileSync(`${root}e2e/pages/csp.html`));
    });
  },
};

// e2e/coop.spec.ts: /e2e/pages/coop/signin.html is the sign-in page (and, as its own redirect
// URI, the popup's way back) sent with Cross-Origin-Opener-Policy: same-origin, which severs every
// popup that goes to another origin.
const coopPage = {
  name: 'aq-e2e-coop-page',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/e2e/pages/coop/signin.html') return next();
      res.setHeader('cross-origin-opener-policy', 'same-origin');
      req.url = `/e2e/pages/signin.html${url.search}`;
      next();
    });
  },
};

// e2e/frameworks.spec.ts: /e2e/pages/in/<name>.html is one page per framework, each running
// e2e/pages/<name>.js (a page of its own URL, so the popup comes back to the same framework).
const frameworkPage = {
  name: 'aq-e2e-framework-page',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const name = /^\/e2e\/pages\/in\/(\w+)\.html(\?|$)/.exec(req.url ?? '')?.[1];
      if (!name) return next();
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>aq-signin in ${name}</title><script type="module" src="/e2e/pages/${name}.js"></script></head><body><main id="app"></main></body></html>`);
    });
  },
};

// e2e/tokens.spec.ts: the token requests the OP answered, by grant type and user (each test signs
// in a user of its own), at GET /e2e/token-requests?grant=refresh_token&sub=<login> -> { count }.
const tokenRequests = new Map();
const tokenCounter = {
  name: 'aq-e2e-token-counter',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/e2e/token-requests') return next();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ count: tokenRequests.get(`${url.searchParams.get('grant')} ${url.searchParams.get('sub')}`) ?? 0 }));
    });
  },
};

// The demo backend runs inside the Vite server (/api/*) and hears the OP's back-channel logouts.
// Access tokens live 10 s, so that tests see renewals (docs/tokens.md); ID tokens an hour.
const op = await startOp({
  port: OP_PORT, rpOrigins: [`http://localhost:${RP_PORT}`], backchannelLogoutUri: `http://localhost:${RP_PORT}/api/backchannel-logout`,
  accessTokenTtl: 10,
  onTokenRequest: (grant, sub) => tokenRequests.set(`${grant} ${sub}`, (tokenRequests.get(`${grant} ${sub}`) ?? 0) + 1),
});
const vite = await createServer({
  configFile: false,
  root,
  appType: 'mpa',
  clearScreen: false,
  logLevel: 'warn',
  plugins: [strictPage, coopPage, frameworkPage, tokenCounter, demoBackend({ issuer: op.issuer }), svelte()],
  // Pre-bundled up front: a dependency found later would make Vite reload the page in the middle of a test.
  optimizeDeps: { entries: ['e2e/pages/*.html', 'e2e/pages/*.js'], include: ['lit', 'oauth4webapi', 'preact', 'react', 'react-dom/client', 'vue/dist/vue.esm-bundler.js'] },
  server: { host: 'localhost', port: RP_PORT, strictPort: true, hmr: false },
  // Its own cache: e2e/demo-api.spec.ts runs the demo's Vite server beside this one, and a shared
  // cache re-optimized by one answers the other's pages "504 Outdated Optimize Dep".
  cacheDir: 'node_modules/.vite/e2e',
});
await vite.listen();
console.log(`e2e servers up: OP ${op.issuer}, pages http://localhost:${RP_PORT}/e2e/pages/`);

const stop = async () => {
  await Promise.allSettled([vite.close(), op.close()]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Playwright holds our stdin: when it ends (even killed, which leaves no one to send SIGTERM),
// stdin closes and the servers go too, instead of holding the ports for the next run.
if (process.argv.includes('--stop-with-stdin')) process.stdin.on('end', stop).resume();
