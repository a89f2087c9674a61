// `npm run bench:logout`: how fast and how cheaply a remote sign-out reaches the page.
//  1. OP logout -> page signed out, in Chromium against the dev OP: through the back-channel push
//     (page on another site than the OP, stream on instance A, back-channel logout at instance B,
//     Redis between) beside the session iframe (page on the OP's site, session-interval 2000).
//  2. One backend instance holding N open streams (node:http, in a child process): memory per
//     stream, and fan-out latency (one session among N; all N at once).
//  3. The same through Redis: streams on instance A, publish on instance B.
// Prints a markdown table. BENCH_LOGOUT_RUNS (default 20) sign-outs per method;
// BENCH_LOGOUT_N (default "1000,10000") stream counts. Never fails on a slow machine.
import { execSync, fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

/** Child: one backend instance with a logout stream handler, driven by IPC messages. */
async function serve(redisUrl) {
  const server = await import(`${root}dist/server.js`);
  const { toNodeHandler } = await import(`${root}dist/server-node.js`);
  let bus = server.memoryLogoutBus();
  const clients = [];
  if (redisUrl !== 'memory') {
    const { createClient } = await import('redis');
    const publisher = createClient({ url: redisUrl });
    const subscriber = publisher.duplicate();
    await Promise.all([publisher.connect(), subscriber.connect()]);
    clients.push(publisher, subscriber);
    bus = server.redisLogoutBus({ publisher, subscriber });
  }
  const heard = new Map();
  bus.subscribe((e) => heard.set(e.sid ?? e.sub, now()));
  const handler = server.createLogoutStreamHandler({
    issuer: 'https://op.bench.example',
    clientId: 'bench',
    bus,
    maxStreams: 50_000,
    // Cookie-less bench sessions: "sub sid" in a header stands for the app's session lookup.
    identify: (request) => {
      const [sub, sid] = (request.headers.get('x-bench-session') ?? '').split(' ');
      return sub ? { iss: 'https://op.bench.example', sub, sid } : null;
    },
  });
  const httpServer = http.createServer(toNodeHandler(handler));
  httpServer.maxConnections = 60_000;
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const until = async (predicate) => {
    while (!predicate()) await new Promise((r) => setTimeout(r, 5));
  };
  process.on('message', async (m) => {
    if (m.type === 'memory') {
      globalThis.gc();
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      process.send({ type: 'memory', rss, heap: heapUsed + external + arrayBuffers });
    } else if (m.type === 'publish') {
      const at = now();
      await bus.publish(m.event);
      process.send({ type: 'published', at });
    } else if (m.type === 'ready') {
      await until(() => bus.available);
      process.send({ type: 'ready' });
    } else if (m.type === 'stop') {
      for (const c of clients) c.destroy();
      process.exit(0);
    }
  });
  process.send({ type: 'listening', port: httpServer.address().port });
}

function instance(redisUrl) {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', redisUrl], { execArgv: ['--expose-gc'] });
  const waiting = [];
  child.on('message', (m) => waiting.shift()?.(m));
  const ask = (m) => new Promise((resolve) => {
    waiting.push(resolve);
    if (m) child.send(m);
  });
  return { child, ask, stop: () => child.send({ type: 'stop' }) };
}

/** Opens one stream; resolves once "ready" has arrived; `logoutAt` is set when "logout" does. */
function openStream(port, sub, sid) {
  return new Promise((resolve, reject) => {
    const stream = { logoutAt: 0, req: undefined };
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false, headers: { 'content-type': 'application/json', 'x-bench-session': `${sub} ${sid}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
        if (!stream.logoutAt && text.includes('event: logout')) stream.logoutAt = now();
        if (text.includes('event: ready')) resolve(stream);
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end('{}');
    stream.req = req;
  });
}

async function openMany(port, n, sub) {
  const streams = [];
  for (let i = 0; i < n; i += 500) {
    streams.push(...(await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, j) => openStream(port, sub, `s${i + j}`)))));
  }
  return streams;
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const ms = (v) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;

/** Fan-out: `single` logouts of one session among n open streams, then one logout of all n. */
async function fanOut(holder, publisher, n) {
  const { port } = holder;
  const before = await holder.ask({ type: 'memory' });
  const streams = await openMany(port, n, 'bench');
  const after = await holder.ask({ type: 'memory' });
  const single = [];
  for (let i = 0; i < Math.min(50, n - 1); i += 1) {
    const { at } = await publisher.ask({ type: 'publish', event: { iss: 'https://op.bench.example', sid: `s${i}` } });
    while (!streams[i].logoutAt) await new Promise((r) => setTimeout(r, 1));
    single.push(streams[i].logoutAt - at);
  }
  const rest = streams.slice(single.length);
  const { at } = await publisher.ask({ type: 'publish', event: { iss: 'https://op.bench.example', sub: 'bench' } });
  while (rest.some((s) => !s.logoutAt)) await new Promise((r) => setTimeout(r, 5));
  const all = rest.map((s) => s.logoutAt - at);
  for (const s of streams) s.req.destroy();
  return {
    heapPerStream: (after.heap - before.heap) / n,
    rssPerStream: (after.rss - before.rss) / n,
    singleMedian: quantile(single, 0.5),
    singleP99: quantile(single, 0.99),
    allMedian: quantile(all, 0.5),
    allLast: Math.max(...all),
  };
}

async function streamRows(redisUrl, counts) {
  const rows = [];
  for (const n of counts) {
    for (const mode of ['one instance (in-process bus)', 'two instances through Redis']) {
      const a = instance(mode.startsWith('one') ? 'memory' : redisUrl);
      a.port = (await a.ask()).port;
      const b = mode.startsWith('one') ? a : instance(redisUrl);
      if (b !== a) await b.ask();
      await a.ask({ type: 'ready' });
      if (b !== a) await b.ask({ type: 'ready' });
      const r = await fanOut(a, b, n);
      rows.push(`| ${n} streams, ${mode} | ${(r.heapPerStream / 1024).toFixed(1)} KiB heap, ${(r.rssPerStream / 1024).toFixed(1)} KiB RSS | ${ms(r.singleMedian)} / ${ms(r.singleP99)} | ${ms(r.allMedian)} / ${ms(r.allLast)} |`);
      a.stop();
      if (b !== a) b.stop();
    }
  }
  return rows;
}

/** One sign-in and OP sign-out in a fresh context; resolves with ms from the OP's "yes" to aq-logout. */
async function pageRound(browser, world, origin, attrs, login) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript((a) => sessionStorage.setItem('aq-e2e', JSON.stringify(a)), { issuer: world.issuer, ...attrs });
    await page.goto(`${origin}/e2e/pages/signin.html`);
    const opened = attrs['logout-events-url'] ? page.waitForResponse((r) => r.url().endsWith('/api/logout-events')) : null;
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
    await popup.locator('input[name=login]').fill(login);
    await popup.locator('input[name=password]').fill('any');
    await popup.locator('button[type=submit]').click();
    const consent = popup.locator('input[name=prompt][value=consent]');
    if (await Promise.race([consent.waitFor({ state: 'attached' }).then(() => true), popup.waitForEvent('close').then(() => false)])) await popup.locator('button[type=submit]').click();
    await page.waitForFunction(() => window.__aqEvents.some((e) => e.type === 'aq-profile'));
    await opened;
    // The iframe method: its first check is done (it watches from then on).
    await page.waitForTimeout(attrs['logout-events-url'] ? 100 : 2200);
    const op = await context.newPage();
    await op.goto(`${world.issuer}/session/end`);
    const at = Date.now();
    await op.locator('button[name=logout][value=yes]').click();
    await page.waitForFunction(() => window.__aqEvents.some((e) => e.type === 'aq-logout'), null, { timeout: 15_000 });
    const logout = await page.evaluate(() => window.__aqEvents.find((e) => e.type === 'aq-logout'));
    if (logout.detail.reason !== 'remote') throw new Error(`expected reason "remote", got ${logout.detail.reason}`);
    return logout.at - at;
  } finally {
    await context.close();
  }
}

async function main() {
  if (!process.argv.includes('--no-build')) execSync('npm run build', { stdio: 'ignore', cwd: root });
  const runs = Number(process.env.BENCH_LOGOUT_RUNS ?? 20);
  const counts = (process.env.BENCH_LOGOUT_N ?? '1000,10000').split(',').map(Number);
  const { chromium } = await import('@playwright/test');
  const { chromiumPath } = await import('../e2e/browser-path.mjs');
  const { startWorld } = await import('../e2e/logout-push-world.mjs');

  const world = await startWorld();
  const lines = [];
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const methods = {
      'back-channel push (page on another site; stream on A, logout at B, Redis)': [world.a, { 'client-id': 'demo', 'logout-events-url': '/api/logout-events', 'session-interval': '0' }],
      'session iframe (page on the OP\'s site, session-interval 2000)': [world.aSameSite, { 'client-id': 'demo', 'session-interval': '2000' }],
    };
    lines.push('| OP logout -> page signed out | median | p99 (max of runs) | runs |', '|---|---|---|---|');
    for (const [name, [origin, attrs]] of Object.entries(methods)) {
      const times = [];
      for (let i = 0; i < runs; i += 1) times.push(await pageRound(browser, world, origin, attrs, `bench${i}`));
      lines.push(`| ${name} | ${ms(quantile(times, 0.5))} | ${ms(quantile(times, 0.99))} | ${runs} |`);
    }
    await browser.close();
    lines.push('', '| open streams | memory per stream | one session among N: median / p99 | all N at once: median / last |', '|---|---|---|---|');
    lines.push(...(await streamRows(world.redis.url, counts)));
  } finally {
    await world.close();
  }
  console.log(lines.join('\n'));
}

if (process.argv[2] === '--serve') await serve(process.argv[3]);
else await main();
