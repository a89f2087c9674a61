// `npm run bench`: the sign-in journey of aq-signin beside oidc-client-ts, same dev OP, same
// Chromium, same run. Prints medians (and spread) of several runs; never fails on a slow machine.
// Both sides use their built browser bundles (dist/aq-signin.js, oidc-client-ts's browser build).
// First paint of an ESM app: bench/aq-signin-esm.html (import 'aq-signin/define') beside
// bench/oidc-client-ts-lit.html (oidc-client-ts's UserManager behind a small Lit button), each
// built by Vite as npm run size bundles them, served gzipped by a static server of this script
// (an ephemeral port), timed by bench/first-paint.js in the page.
//   AQ_DIST=/path/to/dist: the ESM first-paint page (and the size rows) use that build; the
//   journeys, renders and idle figures stay on this checkout's dist/aq-signin.js.
import { execSync, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { chromium } from '@playwright/test';
import { chromiumPath } from '../e2e/browser-path.mjs';
import { tokenRows } from './bench-tokens.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const OP = 'http://localhost:3100';
const RP = 'http://localhost:5174';
const SIDES = {
  ours: { page: '/bench/aq-signin.html', button: 'aq-signin button' },
  theirs: { page: '/bench/oidc-client-ts.html', button: '#signin' },
};

if (!process.argv.includes('--no-build')) execSync('npm run build', { stdio: 'ignore' });
const root = fileURLToPath(new URL('..', import.meta.url));
const esmDist = process.env.AQ_DIST ?? `${root}dist`;

// The ESM apps, built like npm run size builds them (one build each: no chunk shared between
// them), into dist/bench-esm/<side>/ and served under /<side>/.
const ESM = {
  ours: { html: 'bench/aq-signin-esm.html' },
  theirs: { html: 'bench/oidc-client-ts-lit.html' },
};
for (const [side, { html }] of Object.entries(ESM)) {
  await build({
    root,
    base: `/${side}/`,
    configFile: false,
    logLevel: 'silent',
    resolve: {
      alias: { 'aq-signin/define': `${esmDist}/define.js` },
      dedupe: ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', 'oauth4webapi', 'jose'],
    },
    publicDir: false,
    build: { outDir: `${root}dist/bench-esm/${side}`, emptyOutDir: true, minify: true, target: 'es2022', modulePreload: { polyfill: false }, rolldownOptions: { input: `${root}${html}` } },
  });
}
const gzipped = new Map();
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
const files = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  // /bench/first-paint.js stays a classic script of the repo; the rest is the build.
  const file = path === '/bench/first-paint.js' ? `${root}bench/first-paint.js` : `${root}dist/bench-esm${path}`;
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return res.writeHead(404).end();
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(file), { level: 9 }));
  res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream', 'content-encoding': 'gzip', 'cache-control': 'no-store' });
  res.end(gzipped.get(file));
});
await new Promise((resolve) => files.listen(0, '127.0.0.1', resolve));
const FILES = `http://127.0.0.1:${files.address().port}`;
const servers = spawn('node', ['e2e/servers.js'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => servers.stdout.on('data', (d) => String(d).includes('servers up') && resolve()));
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;

async function login(page) {
  await page.locator('input[name=login]').fill('bench');
  await page.locator('input[name=password]').fill('any');
  await page.locator('button[type=submit]').click();
  await page.waitForLoadState();
  if (await page.locator('input[name=prompt][value=consent]').count()) await page.locator('button[type=submit]').click();
}

/** One redirect sign-in: click -> OP, OP -> signed in; times from the browser's own clocks. */
async function journey(side, monitor = false) {
  const context = await browser.newContext();
  await context.addInitScript((m) => m && sessionStorage.setItem('bench-monitor', 'on'), monitor);
  const page = await context.newPage();
  const requests = [];
  page.on('requestfinished', (r) => requests.push({ url: r.url(), start: r.timing().startTime, nav: r.isNavigationRequest() }));
  await page.goto(RP + SIDES[side].page);
  await page.waitForTimeout(500); // what a visitor's reading time gives the page: prefetch
  const click = await page.evaluate(() => performance.timeOrigin + performance.now());
  await page.locator(SIDES[side].button).click();
  await page.waitForURL((u) => u.origin === OP);
  const toOp = requests.find((r) => r.nav && r.url.startsWith(OP));
  const before = requests.filter((r) => r.start >= click && r.start < toOp.start && r.url.startsWith(OP));
  await login(page);
  await page.waitForURL((u) => u.origin === RP);
  await page.waitForFunction(() => window.__signedIn);
  const back = requests.findLast((r) => r.nav && r.url.startsWith(RP));
  const done = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('signed-in')[0].startTime);
  const between = requests.filter((r) => r.start >= back.start && r.start <= done && r.url.startsWith(OP));
  return { context, page, clickToOp: toOp.start - click, awaitedBefore: before.length, backToProfile: done - back.start, requestsBetween: between.map((r) => new URL(r.url).pathname) };
}

const rows = [];
const row = (figure, ours, theirs, limit = '') => rows.push({ figure, ours, theirs, limit });

// 1. Bytes, from npm run size (same bundler, same run; it exits 1 over budget, the rows still come).
let size;
try {
  size = JSON.parse(execSync('node scripts/size.mjs --no-build --json', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
} catch (e) {
  size = JSON.parse(e.stdout);
}
const sized = (id) => size.rows.find((r) => r.id === id);
row('bytes: script-tag build, everything (gzip)', sized('script-tag').gzip, '—', sized('script-tag').budget);
row('bytes: ESM app, first paint (gzip)', sized('esm-first-paint').gzip, sized('lit-oidc-client-ts').gzip, sized('esm-first-paint').budget);
row('bytes: ESM app, default page (gzip)', sized('page-default').gzip, sized('lit-oidc-client-ts').gzip, sized('page-default').budget);
row('bytes: ESM app, everything (gzip)', sized('esm-all').gzip, sized('lit-oidc-client-ts').gzip, sized('esm-all').budget);

// 2. and 3. The journey.
const results = { ours: [], theirs: [] };
for (let i = 0; i < RUNS; i++) {
  for (const side of ['ours', 'theirs']) {
    const r = await journey(side);
    results[side].push(r);
    await r.context.close();
  }
}
const fig = (side, key) => results[side].map((r) => r[key]);
const ms = (side, key) => `${median(fig(side, key)).toFixed(1)} (${spread(fig(side, key))})`;
row('click -> navigation to the OP (ms)', ms('ours', 'clickToOp'), ms('theirs', 'clickToOp'));
row('  requests to the OP awaited before it', median(fig('ours', 'awaitedBefore')), median(fig('theirs', 'awaitedBefore')), 0);
row('OP redirect back -> signed in (ms)', ms('ours', 'backToProfile'), ms('theirs', 'backToProfile'));
row('  requests to the OP in between', results.ours[0].requestsBetween.join(' + ') || 0, results.theirs[0].requestsBetween.join(' + ') || 0, 'token + userinfo');

// 4. First render of 1 and 100 buttons (script-tag build loaded -> first paint).
for (const n of [1, 100]) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage();
    await page.goto(`${RP}/bench/render.html?n=${n}`);
    times.push(await page.waitForFunction(() => window.__renderMs).then((h) => h.jsonValue()));
    await page.close();
  }
  row(`first render of ${n} button${n > 1 ? 's' : ''} (ms)`, `${median(times).toFixed(1)} (${spread(times)})`, '— (no UI)');
}

// 4b. First paint of an ESM app: navigation start -> the button painted, and the scripts loaded by
// then (gzip, as transferred); the peer is oidc-client-ts's UserManager behind a small Lit button.
// On localhost a lazy chunk that starts loading when the element connects can arrive before the
// first frame is painted; over Lighthouse's "Slow 4G" (150 ms RTT, 1.6 Mbps down, emulated by
// Chromium) it cannot, and the bytes the paint waits for show in its time.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
async function firstPaint(side, network) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (network) await (await context.newCDPSession(page)).send('Network.emulateNetworkConditions', network);
  await page.goto(`${FILES}/${side}/${ESM[side].html}`);
  const paint = await page.waitForFunction(() => window.__firstPaint, null, { timeout: 30_000 }).then((h) => h.jsonValue());
  await context.close();
  return paint;
}
const paints = { local: { ours: [], theirs: [] }, slow: { ours: [], theirs: [] } };
for (let i = 0; i < RUNS; i++) {
  for (const side of ['ours', 'theirs']) {
    paints.local[side].push(await firstPaint(side));
    paints.slow[side].push(await firstPaint(side, SLOW_4G));
  }
}
const sum = (scripts) => scripts.reduce((n, s) => n + s.bytes, 0);
const paintMs = (net, side) => {
  const xs = paints[net][side].map((p) => p.ms);
  return `${median(xs).toFixed(1)} (${spread(xs)})`;
};
const paintBytes = (net, side, key) => median(paints[net][side].map((p) => sum(p[key])));
row('first paint, ESM app: navigation -> button (ms)', paintMs('local', 'ours'), paintMs('local', 'theirs'));
row('  the same over Slow 4G (ms)', paintMs('slow', 'ours'), paintMs('slow', 'theirs'));
row('  JS loaded before it, Slow 4G (gzip, transferred)', paintBytes('slow', 'ours', 'before'), paintBytes('slow', 'theirs', 'before'), sized('esm-first-paint').budget);
row('  JS loaded in all, 2 s later (gzip, transferred)', paintBytes('slow', 'ours', 'all'), paintBytes('slow', 'theirs', 'all'), 'lazy included');

// 5. Idle while signed in, session monitoring on (2 s): polls per minute, main-thread time per
// poll, and the time from an OP logout to the page knowing.
async function idle(side) {
  const r = await journey(side, true);
  const { page, context } = r;
  await page.evaluate((op) => {
    window.__answers = 0;
    addEventListener('message', (e) => e.origin === op && window.__answers++);
  }, OP);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  // Steady state: the window opens at the first answer, so the one-off check a monitor may make
  // when its iframe loads (ours does, to notice a sign-out at once) is not counted as idle cost.
  await page.waitForFunction(() => window.__answers > 0, null, { timeout: 15_000 });
  await page.evaluate(() => (window.__answers = 0));
  const WINDOW = 12_000;
  const t0 = await task();
  await page.waitForTimeout(WINDOW);
  const visible = await page.evaluate(() => window.__answers);
  const perPoll = visible ? ((await task()) - t0) * 1000 / visible : NaN;
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    window.__answers = 0;
  });
  await page.waitForTimeout(WINDOW);
  const hidden = await page.evaluate(() => window.__answers);
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { value: false, configurable: true });
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  // Back to the normal rhythm, then a logout at a random moment of the interval.
  await page.waitForTimeout(2000 + Math.random() * 2000);
  const other = await context.newPage();
  await other.goto(`${OP}/session/end`);
  await other.locator('button[name=logout][value=yes]').click();
  const loggedOut = Date.now();
  const noticed = await page.waitForFunction(() => window.__signedOut, null, { timeout: 15_000 }).then((h) => h.jsonValue()).catch(() => NaN);
  await context.close();
  return { visible: (visible * 60_000) / WINDOW, hidden: (hidden * 60_000) / WINDOW, perPoll, logout: noticed - loggedOut };
}
const idles = { ours: [], theirs: [] };
for (let i = 0; i < Math.min(RUNS, 3); i++) for (const side of ['ours', 'theirs']) idles[side].push(await idle(side));
const idleFig = (side, key, digits = 1) => median(idles[side].map((x) => x[key])).toFixed(digits);
// The figures that vary from run to run carry their spread, as the journeys' do.
const idleSpread = (side, key, digits) => `${idleFig(side, key, digits)} (${spread(idles[side].map((x) => x[key]))})`;
row('check_session polls per minute, visible', idleFig('ours', 'visible', 0), idleFig('theirs', 'visible', 0), 30);
row('check_session polls per minute, hidden', idleFig('ours', 'hidden', 0), idleFig('theirs', 'hidden', 0), 0);
row('main-thread ms per poll', idleSpread('ours', 'perPoll', 2), idleSpread('theirs', 'perPoll', 2));
row('OP logout -> page signed out (ms)', idleSpread('ours', 'logout', 0), idleSpread('theirs', 'logout', 0), 'interval + 1000');

// 6. Renewal (docs/tokens.md): the main-thread cost of a DPoP proof, one renewal, and refresh
// requests at the OP per expiry with 1, 2 and 5 tabs, beside oidc-client-ts with
// automaticSilentRenew and refresh tokens.
await tokenRows(browser, row);

await browser.close();
servers.kill('SIGTERM');
files.close();

const ratio = (a, b) => {
  const x = parseFloat(a);
  const y = parseFloat(b);
  return Number.isFinite(x) && Number.isFinite(y) && y !== 0 ? (x / y).toFixed(2) : '';
};
console.log(`runs: ${RUNS} (journeys), ${Math.min(RUNS, 3)} (idle); median (min–max)`);
if (process.env.AQ_DIST) console.log(`sizes and ESM first paint: ${esmDist}; the rest: ${root}dist`);
console.log(`${'figure'.padEnd(52)} ${'ours'.padStart(22)} ${'theirs'.padStart(22)} ${'ratio'.padStart(6)}  limit`);
for (const r of rows) console.log(`${r.figure.padEnd(52)} ${String(r.ours).padStart(22)} ${String(r.theirs).padStart(22)} ${ratio(r.ours, r.theirs).padStart(6)}  ${r.limit}`);
