// `npm run test:package`: the install path a newcomer takes, end to end. Packs the package (its
// prepack builds dist/), installs the tarball into a fresh Vite app in the OS temp folder, builds
// the app with `vite build`, serves it on a free localhost port and signs in, in real Chromium,
// against the real dev OP (demo/op/provider.js) on another free port:
//   element.html  `import 'aq-signin/define'` + <aq-signin> (popup, the default)
//   sdk.html      the SDK alone: createClient + signIn() + handleRedirectCallback(), redirect and popup
//   script.html   the script-tag build served from the app's own origin, with its SRI hash
// Offline: the package's dependencies come from this repository's node_modules (packed as
// tarballs, `npm install --offline`); if that fails, npm may fetch them from the registry.
// Exits non-zero on the first failure. Run Playwright through the shared lock:
//   flock /tmp/aq-e2e.lock npm run test:package
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './free-port.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { chromiumPath } from '../e2e/browser-path.mjs';
import { CLIENT_ID, startOp } from '../demo/op/provider.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const started = Date.now();
const step = (what) => console.log(`[test:package ${((Date.now() - started) / 1000).toFixed(1)}s] ${what}`);
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const work = mkdtempSync(join(tmpdir(), 'aq-signin-package-'));
const app = join(work, 'app');
const cleanups = [];
let failed = false;
try {
  // 1. Pack, as `npm publish` would: prepack builds dist/ first.
  step('npm pack (prepack: build)');
  const out = npm(['pack', '--json', '--pack-destination', work], repo);
  const packed = JSON.parse(out.slice(out.indexOf('[\n  {'))); // after what prepack's build printed
  const sri = /integrity: (sha384-\S+)/.exec(out)?.[1];
  if (!sri) throw new Error('the build did not print the SRI hash of dist/aq-signin.js');
  const tarball = join(work, packed[0].filename);
  const files = packed[0].files.map((f) => f.path);
  for (const wanted of ['dist/index.js', 'dist/define.js', 'dist/aq-signin.js', 'dist/server.js', 'dist/types/index.d.ts', 'custom-elements.json']) {
    if (!files.includes(wanted)) throw new Error(`the tarball has no ${wanted} (files: ${files.length})`);
  }
  step(`${packed[0].filename}: ${files.length} files, ${(packed[0].size / 1024).toFixed(0)} KiB`);

  // 2. A fresh app with only the tarball as dependency; its dependencies, packed from here.
  mkdirSync(join(app, 'deps'), { recursive: true });
  const runtime = npm(['ls', '--all', '--omit=dev', '--parseable'], repo).trim().split('\n').slice(1);
  for (const dir of runtime) npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', join(app, 'deps'), dir], repo);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }, null, 2));
  const deps = readdirSync(join(app, 'deps')).map((f) => `./deps/${f}`); // "./": else npm reads a GitHub shorthand
  step('npm install (offline)');
  try {
    npm(['install', '--offline', '--no-audit', '--no-fund', '--no-save', ...deps], app);
    npm(['install', '--offline', '--no-audit', '--no-fund', tarball], app);
  } catch (err) {
    step(`offline install failed (${String(err.stderr).split('\n')[0]}); from the registry instead`);
    npm(['install', '--no-audit', '--no-fund', tarball], app);
  }
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  if (!manifest.dependencies?.['aq-signin']?.endsWith('.tgz')) throw new Error('aq-signin is not a dependency of the app');

  // jose is an optional peer dependency, for aq-signin/server only: a browser app does not get it,
  // and the server entry names what is missing until the backend installs it.
  if (existsSync(join(app, 'node_modules/jose'))) throw new Error('jose was installed into a browser app');
  const importServer = () => execFileSync(process.execPath, ['--input-type=module', '-e', "const s = await import('aq-signin/server'); console.log(typeof s.createCodeHandler)"], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let withoutJose;
  try {
    withoutJose = importServer();
  } catch (err) {
    withoutJose = String(err.stderr);
  }
  if (!/Cannot find package 'jose'/.test(withoutJose)) throw new Error(`aq-signin/server without jose: expected a missing-package error naming jose, got ${withoutJose.slice(0, 300)}`);
  npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', join(app, 'deps'), join(repo, 'node_modules/jose')], repo);
  npm(['install', '--offline', '--no-audit', '--no-fund', `./deps/${readdirSync(join(app, 'deps')).find((f) => f.startsWith('jose-'))}`], app);
  if (importServer() !== 'function') throw new Error('aq-signin/server does not load once jose is installed');
  step('aq-signin/server: needs jose (optional peer), loads once it is installed');

  // 3. The app's pages: what the README tells a newcomer to write.
  const opPort = await freePort();
  const appPort = await freePort();
  const issuer = `http://localhost:${opPort}`;
  const script = readFileSync(join(app, 'node_modules/aq-signin/dist/aq-signin.js'));
  const integrity = `sha384-${createHash('sha384').update(script).digest('base64')}`;
  if (integrity !== sri) throw new Error(`the build printed ${sri}, the installed dist/aq-signin.js hashes to ${integrity}`);
  mkdirSync(join(app, 'public'));
  copyFileSync(join(app, 'node_modules/aq-signin/dist/aq-signin.js'), join(app, 'public/aq-signin.js'));
  const html = (title, body) => `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n${body}\n</body></html>\n`;
  writeFileSync(join(app, 'element.html'), html('element', `<aq-signin issuer="${issuer}" client-id="${CLIENT_ID}"></aq-signin>
<pre id="out"></pre>
<script type="module" src="./element.js"></script>`));
  writeFileSync(join(app, 'element.js'), `import 'aq-signin/define';
document.addEventListener('aq-profile', (e) => { document.getElementById('out').textContent = 'profile ' + e.detail.profile.sub; });
document.addEventListener('aq-error', (e) => { document.getElementById('out').textContent = 'error ' + e.detail.error.code; });
`);
  writeFileSync(join(app, 'sdk.html'), html('sdk', `<button id="signin" type="button">Sign in</button>
<pre id="out"></pre>
<script type="module" src="./sdk.js"></script>`));
  writeFileSync(join(app, 'sdk.js'), `import { createClient } from 'aq-signin';
const out = document.getElementById('out');
const display = new URLSearchParams(location.search).get('display') ?? 'redirect';
const client = createClient({ issuer: '${issuer}', clientId: '${CLIENT_ID}', display });
const show = (user) => { out.textContent = 'profile ' + user.profile.sub; };
document.getElementById('signin').addEventListener('click', () => client.signIn().then(show, (err) => { out.textContent = 'error ' + err.code; }));
client.prefetch();
client.handleRedirectCallback()
  .then((user) => { out.textContent = user ? 'profile ' + user.profile.sub : 'ready'; })
  .catch((err) => { out.textContent = 'error ' + err.code; });
`);
  writeFileSync(join(app, 'script.html'), html('script tag', `<script src="/aq-signin.js" integrity="${integrity}" crossorigin="anonymous"></script>
<aq-signin issuer="${issuer}" client-id="${CLIENT_ID}"></aq-signin>
<pre id="out"></pre>
<script src="/script-events.js"></script>`));
  writeFileSync(join(app, 'public/script-events.js'), `document.addEventListener('aq-profile', function (e) { document.getElementById('out').textContent = 'profile ' + e.detail.profile.sub; });
document.addEventListener('aq-error', function (e) { document.getElementById('out').textContent = 'error ' + e.detail.error.code; });
`);

  // 4. vite build, as the app would. Vite comes from this repository (the app does not install it).
  step('vite build');
  await build({
    configFile: false, root: app, logLevel: 'warn',
    build: { outDir: 'dist', rollupOptions: { input: ['element.html', 'sdk.html', 'script.html'].map((f) => join(app, f)) } },
  });
  const built = readdirSync(join(app, 'dist/assets')).join(' ');
  if (/\.ts\b/.test(built)) throw new Error(`the built app holds TypeScript sources: ${built}`);

  // 5. Serve it, start the dev OP for its origin, sign in three ways.
  const op = await startOp({ port: opPort, rpOrigins: [`http://localhost:${appPort}`] });
  cleanups.push(() => op.close());
  const server = await preview({ configFile: false, root: app, logLevel: 'warn', preview: { host: 'localhost', port: appPort, strictPort: true } });
  cleanups.push(() => new Promise((resolve) => server.httpServer.close(resolve)));
  const base = `http://localhost:${appPort}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  cleanups.push(() => browser.close());

  const login = async (page) => {
    await page.locator('input[name=login]').fill('newcomer');
    await page.locator('input[name=password]').fill('any');
    await page.locator('button[type=submit]').click();
    const consent = page.locator('input[name=prompt][value=consent]');
    const closed = page.waitForEvent('close').then(() => false);
    if (await Promise.race([consent.waitFor({ state: 'attached' }).then(() => true), closed])) await page.locator('button[type=submit]').click();
  };
  const expectOut = async (page, text) => {
    try {
      await page.locator('#out').filter({ hasText: text }).waitFor({ timeout: 15_000 });
    } catch {
      throw new Error(`${page.url()}: expected "${text}", the page shows "${await page.locator('#out').textContent()}"`);
    }
  };
  const errors = [];
  const newPage = async () => {
    const context = await browser.newContext();
    context.on('weberror', (e) => errors.push(e.error().message));
    return context.newPage();
  };

  step('element (popup)');
  {
    const page = await newPage();
    await page.goto(`${base}/element.html`);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
    await login(popup);
    await expectOut(page, 'profile newcomer');
  }

  step('SDK alone (redirect): createClient + signIn() + handleRedirectCallback()');
  {
    const page = await newPage();
    await page.goto(`${base}/sdk.html`);
    await expectOut(page, 'ready');
    await page.locator('#signin').click();
    await page.waitForURL((u) => u.origin === issuer);
    await login(page);
    await page.waitForURL((u) => u.origin === base);
    await expectOut(page, 'profile newcomer');
    if (new URL(page.url()).search) throw new Error(`the response stayed in the URL: ${page.url()}`);
  }

  // The same page as redirect URI: handleRedirectCallback() on its load in the popup hands the
  // answer to the opener and closes the popup.
  step('SDK alone (popup): createClient + signIn() in a click + handleRedirectCallback() in the popup');
  {
    const page = await newPage();
    await page.goto(`${base}/sdk.html?display=popup`);
    await expectOut(page, 'ready');
    await page.waitForLoadState('networkidle');
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('#signin').click()]);
    await login(popup);
    await expectOut(page, 'profile newcomer');
  }

  step(`script tag from the app's own origin, integrity ${integrity}`);
  {
    const page = await newPage();
    await page.goto(`${base}/script.html`);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
    await login(popup);
    await expectOut(page, 'profile newcomer');
  }
  if (errors.length) throw new Error(`uncaught errors in the app's pages: ${errors.join('; ')}`);
  step('all passed');
} catch (err) {
  failed = true;
  console.error(`[test:package] FAILED: ${err.stack ?? err}`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  if (keep || failed) console.log(`[test:package] the app is kept in ${app}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
