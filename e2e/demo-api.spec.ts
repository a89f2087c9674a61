// `npm run demo`'s API page as a newcomer uses it: sign in (consent for offline_access), call the
// demo backend's /api/me through the element's fetch(), watch a renewal happen, call again. Runs
// demo/run.js itself on free ports, with access tokens that live 12 s so the renewal comes soon.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { freePort } from '../scripts/free-port.mjs';
import { clickForPopup, loginAtOp, test } from './fixtures.js';

let demo: ChildProcess;
let origin: string;

test.beforeAll(async () => {
  const [opPort, demoPort] = [await freePort(), await freePort()];
  origin = `http://localhost:${demoPort}`;
  demo = spawn(process.execPath, [fileURLToPath(new URL('../demo/run.js', import.meta.url))], {
    env: { ...process.env, OP_PORT: String(opPort), DEMO_PORT: String(demoPort), AQ_OP_ACCESS_TOKEN_TTL: '12' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    demo.stdout!.on('data', (d) => {
      banner += d;
      if (banner.includes('Ctrl-C')) resolve();
    });
    demo.stderr!.on('data', (d) => (banner += d));
    demo.once('exit', (code) => reject(new Error(`demo exited (${code}): ${banner}`)));
  });
});

test.afterAll(() => {
  demo?.kill();
});

test('the demo API page: fetch() reaches /api/me with the access token, before and after a renewal', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(`${origin}/api.html`);
  const popup = await clickForPopup(page);
  await loginAtOp(popup, 'newcomer');
  await expect(page.locator('#log')).toContainText('signed in as newcomer');

  const renewals = page.locator('#log li.aq-token');
  const before = await renewals.count(); // a slow first load may have outlasted the first token
  await page.locator('#call').click();
  await expect(page.locator('#answer')).toContainText('"sub": "newcomer"');
  await expect(page.locator('#answer')).toHaveText(/^200\n/);
  const first = JSON.parse((await page.locator('#answer').innerText()).replace(/^200\n/, ''));

  // 12 s tokens renew at three quarters of their life: an aq-token, and no sign-out.
  await expect(renewals).toHaveCount(before + 1, { timeout: 20_000 });
  const answered = (await page.locator('#answer').innerText());
  await page.locator('#call').click();
  await expect(page.locator('#answer')).not.toHaveText(answered);
  await expect(page.locator('#answer')).toHaveText(/^200\n/);
  const second = JSON.parse((await page.locator('#answer').innerText()).replace(/^200\n/, ''));
  expect(second.sub).toBe('newcomer');
  expect(second.exp).toBeGreaterThan(first.exp);
  await expect(page.locator('#log')).not.toContainText('aq-logout');
  await expect(page.locator('#log')).not.toContainText('aq-error');
});
