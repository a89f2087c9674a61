// Renders docs/themes.html (the script-tag build, every theme and size) into docs/themes.png.
// Run after `npm run build`; the README shows the picture.
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumPath } from '../e2e/browser-path.mjs';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ deviceScaleFactor: 2 });
await page.goto(`file://${docs}themes.html`);
await page.waitForFunction(() => [...document.querySelectorAll('aq-signin')].every((el) => el.shadowRoot?.querySelector('button')));
await page.locator('table').screenshot({ path: `${docs}themes.png` });
await browser.close();
console.log('docs/themes.png written');
