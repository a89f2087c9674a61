// `npm run test:interop`: the sign-in matrix against third-party OPs (oidc-provider 9.x,
// LemonLDAP::NG, Glewlwyd), each started by the global setup and stopped with the suite.
import { defineConfig, devices } from '@playwright/test';
// @ts-expect-error plain JS helper shared with scripts/ensure-browser.mjs
import { chromiumPath } from './e2e/browser-path.mjs';
import { RP } from './e2e/interop/world';

const executablePath: string | undefined = chromiumPath();

export default defineConfig({
  testDir: 'e2e/interop',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/interop/global-setup.ts',
  timeout: 45_000,
  expect: { timeout: 10_000 },
  workers: 2,
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: RP,
    trace: 'off',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
});
