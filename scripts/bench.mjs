// `npm run bench`: the sign-in journey of aq-signin beside oidc-client-ts, same dev OP, same
// Chromium, same run. Prints medians (and spread) of several runs; never fails on a slow machine.
// Both sides use their built browser bundles (dist/aq-signin.js, oidc-client-ts's browser build).
import { execSync, spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import { chromiumPath } from '../e2e/browser-path.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const OP = 'http://localhost:3100';
const RP = 'http://localhost:5174';
const SIDES = {
  ours: { page: '/bench/aq-signin.html', button: 'aq-signin button' },
  theirs: { page: '/bench/oidc-client-ts.html', button: '#signin' },
};

if (!process.argv.includes('--no-build')) execSync('npm run build', { stdio: 'ignore' });
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
row('bytes: ESM app, everything (gzip)', sized('esm-all').gzip, sized('lit-oidc-client-ts').gzip, 'theirs');

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

await browser.close();
servers.kill('SIGTERM');

const ratio = (a, b) => {
  const x = parseFloat(a);
  const y = parseFloat(b);
  return Number.isFinite(x) && Number.isFinite(y) && y !== 0 ? (x / y).toFixed(2) : '';
};
console.log(`runs: ${RUNS} (journeys), ${Math.min(RUNS, 3)} (idle); median (min–max)`);
console.log(`${'figure'.padEnd(44)} ${'ours'.padStart(22)} ${'theirs'.padStart(22)} ${'ratio'.padStart(6)}  limit`);
for (const r of rows) console.log(`${r.figure.padEnd(44)} ${String(r.ours).padStart(22)} ${String(r.theirs).padStart(22)} ${ratio(r.ours, r.theirs).padStart(6)}  ${r.limit}`);
