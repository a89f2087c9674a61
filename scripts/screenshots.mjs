// `npm run screenshots`: the pictures in docs/. Run after `npm run build`; through the shared
// lock when other Playwright runs share the machine (flock /tmp/aq-e2e.lock npm run screenshots).
// - docs/themes.png: docs/themes.html (the script-tag build, every theme and size).
// - docs/demo-*.png: the demo (`npm run demo`, started here on free ports), signed in: the
//   popup page with its profile card, the dev OP's login and consent pages, the redirect page,
//   the backend page. It doubles as the demo's smoke test: any console warning or error, a
//   failed request or a CSP violation in a demo page fails it.
import { spawn } from 'node:child_process';
import { freePort } from './free-port.mjs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumPath } from '../e2e/browser-path.mjs';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

{
  const page = await browser.newPage({ deviceScaleFactor: 2 });
  await page.goto(`file://${docs}themes.html`);
  await page.waitForFunction(() => [...document.querySelectorAll('aq-signin')].every((el) => el.shadowRoot?.querySelector('button')));
  await page.locator('table').screenshot({ path: `${docs}themes.png` });
  console.log('docs/themes.png written');
}

const [opPort, demoPort] = [await freePort(), await freePort()];
const base = `http://localhost:${demoPort}`;
const demo = spawn(process.execPath, [fileURLToPath(new URL('../demo/run.js', import.meta.url))], {
  env: { ...process.env, OP_PORT: String(opPort), DEMO_PORT: String(demoPort) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve, reject) => {
  let out = '';
  demo.stdout.on('data', (d) => { out += d; if (out.includes('Ctrl-C')) resolve(); });
  demo.once('exit', (code) => reject(new Error(`demo exited (${code}): ${out}`)));
});

const problems = [];
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 960, height: 760 }, deviceScaleFactor: 1 });
  context.on('console', (m) => (m.type() === 'warning' || m.type() === 'error') && problems.push(`[${m.type()}] ${m.page()?.url()}: ${m.text()}`));
  context.on('weberror', (e) => problems.push(`[uncaught] ${e.page()?.url()}: ${e.error().message}`));
  context.on('response', (r) => r.status() >= 400 && problems.push(`[HTTP ${r.status()}] ${r.url()}`));
  const shot = async (page, name) => {
    await page.screenshot({ path: `${docs}${name}`, fullPage: true });
    console.log(`docs/${name} written`);
  };

  // Popup page: the OP's login and consent pages in the popup, then the profile card.
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.locator('aq-signin button').waitFor();
  await shot(page, 'demo-signed-out.png');
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('aq-signin button').click()]);
  await popup.setViewportSize({ width: 520, height: 640 });
  await popup.locator('input[name=login]').fill('alice');
  await popup.locator('input[name=password]').fill('any');
  await shot(popup, 'demo-op-login.png');
  await popup.locator('button[type=submit]').click();
  await popup.locator('input[name=prompt][value=consent]').waitFor({ state: 'attached' });
  await shot(popup, 'demo-op-consent.png');
  await popup.locator('button[type=submit]').click();
  await page.locator('#profile .who').waitFor();
  await page.locator('#profile details').evaluate((d) => { d.open = true; });
  await shot(page, 'demo-popup.png');

  // Redirect page: signed out here, then a redirect sign-in that the OP session answers at once.
  await page.goto(`${base}/redirect.html`);
  await page.locator('#log li.aq-profile').waitFor(); // the tab's sign-in, restored
  await page.locator('aq-signin button').click(); // signs out
  await page.locator('#log li.aq-logout').waitFor();
  await page.locator('aq-signin button').click();
  await page.locator('#log li.aq-profile, #log li.aq-error').waitFor({ timeout: 15_000 });
  if (!(await page.locator('#profile .who').count())) throw new Error(`redirect page: ${await page.locator('#log').innerText()}`);
  await shot(page, 'demo-redirect.png');

  // Backend page: the confidential client through the backend; the session panel with its card.
  await page.goto(`${base}/backend.html`);
  const [login] = await Promise.all([page.waitForEvent('popup'), page.locator('#plain button').click()]);
  // Another client: the OP session signs in, consent is asked once for it.
  const closed = login.waitForEvent('close').then(() => false);
  const consent = login.locator('input[name=prompt][value=consent]').waitFor({ state: 'attached' }).then(() => true);
  if (await Promise.race([consent, closed])) await login.locator('button[type=submit]').click();
  await closed;
  await page.locator('#session-status[data-state=active]').waitFor();
  await page.locator('#profile .who').waitFor();
  await shot(page, 'demo-backend.png');

  // The backend page's panel follows the buttons: a sign-out with the button ends the backend
  // session; a back-channel logout from the OP signs the button out, logged as remote.
  const status = page.locator('#session-status');
  await page.locator('#plain button').click();
  await page.locator('#session-status[data-state=inactive]').waitFor({ timeout: 5_000 }).catch(async () => {
    throw new Error(`backend panel after a sign-out with the button: ${await status.innerText()}`);
  });
  const [again] = await Promise.all([page.waitForEvent('popup'), page.locator('#plain button').click()]);
  await again.waitForEvent('close');
  await page.locator('#session-status[data-state=active]').waitFor();
  const op = await context.newPage();
  await op.goto(`http://localhost:${opPort}/session/end`);
  await op.locator('button[name=logout][value=yes]').click();
  await op.waitForLoadState();
  await op.close();
  // The logout stream usually tells the button first ("remote"); the panel's poll of the backend
  // session, when it wins, logs "remote (back-channel logout)".
  await page.locator('#log li.aq-logout', { hasText: /reason: remote (\(back-channel logout\) )?\(plain\)/ }).waitFor({ timeout: 5_000 }).catch(async () => {
    throw new Error(`no remote aq-logout after the back-channel logout: ${await page.locator('#log').innerText()}`);
  });
  if (!/ended by the OP/.test(await status.innerText())) throw new Error(`backend panel after a back-channel logout: ${await status.innerText()}`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  demo.kill('SIGTERM');
  await browser.close();
}
if (problems.length) console.error(`The demo logged:\n  ${problems.join('\n  ')}`);
process.exit(failed || problems.length ? 1 : 0);
