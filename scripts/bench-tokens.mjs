// The renewal rows of `npm run bench` (docs/tokens.md): aq-signin with a refresh token and
// storage="local" beside oidc-client-ts with automaticSilentRenew and refresh tokens (its user in
// localStorage), against the e2e dev OP, whose access tokens live 10 s (e2e/servers.js).
// - one renewal: from the start of its token request to the page having the new token, and the
//   requests it made;
// - refresh requests counted at the OP per expiry with 1, 2 and 5 tabs open (the OP counts them
//   by user: e2e/servers.js /e2e/token-requests), and the renewal errors the tabs saw;
// - the main-thread cost of a DPoP proof (bench/dpop-proof.html, against the tokens OP, which
//   this starts on a free port): the page's own non-extractable key, through oauth4webapi's DPoP
//   handle, beside the Bearer header alone.
// Run alone (servers and Chromium of its own): `node scripts/bench-tokens.mjs` after npm run build.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTokensOp } from '../e2e/ops/tokens-op.js';
import { freePort } from './free-port.mjs';

const OP = 'http://localhost:3100';
const RP = 'http://localhost:5174';
const PAGES = { ours: '/bench/tokens-ours.html', theirs: '/bench/tokens-theirs.html' };
const BUTTON = { ours: 'aq-signin button', theirs: '#signin' };
/** Two expiries of a 10 s access token, and a little. */
const WINDOW = 21_000;

async function signIn(page, side, login) {
  await page.goto(RP + PAGES[side]);
  await page.locator(BUTTON[side]).click();
  await page.waitForURL((u) => u.origin === OP);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any');
  await page.locator('button[type=submit]').click();
  await page.waitForLoadState();
  if (await page.locator('input[name=prompt][value=consent]').count()) await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => u.origin === RP);
  await page.waitForFunction(() => window.__signedIn);
}

const refreshes = async (page, sub) => (await (await page.request.get(`${RP}/e2e/token-requests?grant=refresh_token&sub=${sub}`)).json()).count;

/** `tabs` tabs of one user; the refresh requests the OP saw per expiry, renewal times and errors. */
async function run(browser, side, tabs) {
  const sub = `bench-${side}-${tabs}-${Date.now().toString(36)}`;
  const context = await browser.newContext();
  const first = await context.newPage();
  await signIn(first, side, sub);
  const pages = [first];
  for (let i = 1; i < tabs; i++) {
    const page = await context.newPage();
    await page.goto(RP + PAGES[side]);
    await page.waitForFunction(() => window.__signedIn);
    pages.push(page);
  }
  const before = await refreshes(first, sub);
  await first.waitForTimeout(WINDOW);
  const counted = (await refreshes(first, sub)) - before;
  // Expiries in the window: the renewals the first tab saw (each tab sees each one).
  const expiries = await first.evaluate(() => window.__tokens.length);
  // One renewal in the first tab: its token request's start to the page's event, and the
  // requests to the OP that started in between (the token request included).
  const { renewalMs, requestsPerRenewal } = await first.evaluate((op) => {
    const t = window.__tokens[0];
    const toOp = performance.getEntriesByType('resource').filter((e) => e.name.startsWith(op) && e.startTime < (t?.at ?? 0));
    const request = toOp.filter((e) => e.name === `${op}/token`).at(-1);
    if (!t || !request) return { renewalMs: NaN, requestsPerRenewal: NaN };
    return { renewalMs: t.at - request.startTime, requestsPerRenewal: toOp.filter((e) => e.startTime >= request.startTime).length };
  }, OP);
  const errors = (await Promise.all(pages.map((p) => p.evaluate(() => (window.__errors ?? []).length + (window.__loggedOut ? 1 : 0))))).reduce((a, b) => a + b, 0);
  const signedOut = (await Promise.all(pages.map((p) => p.evaluate(() => window.__loggedOut ?? null)))).filter(Boolean).length;
  await context.close();
  return { perExpiry: expiries ? counted / expiries : NaN, renewalMs, requestsPerRenewal, errors, signedOut };
}

/** Calls timed, in batches: performance.now() steps by 100 µs in a page that is not cross-origin isolated, about a proof's time. */
const PROOFS = 1000;
const BATCH = 10;
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

/**
 * The headers of `PROOFS` API calls, with a DPoP proof and with Bearer alone: time per call as the
 * page awaits it (median and p95 over batches of `BATCH` calls in a row), and the main thread's
 * busy time per call (CDP TaskDuration: WebCrypto signs off the main thread, which the wait
 * includes and this does not).
 */
async function proofCost(browser) {
  const op = await startTokensOp({ port: await freePort(), rpOrigins: [RP] });
  const page = await browser.newPage();
  try {
    await page.goto(`${RP}/bench/dpop-proof.html?issuer=${encodeURIComponent(op.issuer)}`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const result = {};
    for (const dpop of [true, false]) {
      await page.evaluate(([b, d]) => window.__proofTimes(5, b, d), [BATCH, dpop]); // warm-up: the handle's header, JIT
      const t0 = await task();
      const times = await page.evaluate(([n, b, d]) => window.__proofTimes(n, b, d), [PROOFS / BATCH, BATCH, dpop]);
      result[dpop ? 'dpop' : 'bearer'] = { median: quantile(times, 0.5), p95: quantile(times, 0.95), mainThread: (((await task()) - t0) * 1000) / PROOFS };
    }
    return result;
  } finally {
    await page.close();
    await op.close();
  }
}

/** Adds the renewal rows through `row(figure, ours, theirs, limit)`. */
export async function tokenRows(browser, row) {
  const cost = await proofCost(browser);
  const per = (c) => `${c.median.toFixed(2)} / ${c.p95.toFixed(2)}`;
  row(`API call headers, DPoP proof: median / p95 per call (ms, ${PROOFS})`, per(cost.dpop), '—');
  row('  main-thread ms per DPoP proof', cost.dpop.mainThread.toFixed(3), '—');
  row('  Bearer header alone: median / p95 per call (ms)', per(cost.bearer), '—');
  row('  main-thread ms per Bearer header', cost.bearer.mainThread.toFixed(3), '—');
  const results = {};
  for (const tabs of [1, 2, 5]) for (const side of ['ours', 'theirs']) results[`${side}${tabs}`] = await run(browser, side, tabs);
  const one = (side) => results[`${side}1`];
  row('renewal: token request -> new token in the page (ms)', one('ours').renewalMs.toFixed(1), one('theirs').renewalMs.toFixed(1));
  row('  requests to the OP per renewal', one('ours').requestsPerRenewal, one('theirs').requestsPerRenewal, 'token');
  for (const tabs of [1, 2, 5]) {
    const [o, t] = [results[`ours${tabs}`], results[`theirs${tabs}`]];
    row(`refresh requests at the OP per expiry, ${tabs} tab${tabs > 1 ? 's' : ''}`, o.perExpiry.toFixed(1), t.perExpiry.toFixed(1), 1);
    row(`  renewal errors / tabs signed out, ${tabs} tab${tabs > 1 ? 's' : ''}`, `${o.errors} / ${o.signedOut}`, `${t.errors} / ${t.signedOut}`, '0 / 0');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { chromium } = await import('@playwright/test');
  const { chromiumPath } = await import('../e2e/browser-path.mjs');
  const servers = spawn('node', ['e2e/servers.js'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => servers.stdout.on('data', (d) => String(d).includes('servers up') && resolve()));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const rows = [];
  try {
    await tokenRows(browser, (figure, ours, theirs, limit = '') => rows.push({ figure, ours, theirs, limit }));
  } finally {
    await browser.close();
    servers.kill('SIGTERM');
  }
  for (const r of rows) console.log(`${r.figure.padEnd(60)} ${String(r.ours).padStart(12)} ${String(r.theirs).padStart(12)}  ${r.limit}`);
}
