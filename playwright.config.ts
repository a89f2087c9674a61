import { defineConfig, devices } from '@playwright/test';
// @ts-expect-error plain JS helper shared with scripts/ensure-browser.mjs
import { chromiumPath } from './e2e/browser-path.mjs';

const executablePath: string | undefined = chromiumPath();

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // The interop suite has its own config and OPs (playwright.interop.config.ts, npm run test:interop).
  testIgnore: 'interop/**',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // Two cores: two workers at most; every test has its own browser context.
  workers: 2,
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: 'http://localhost:5174',
    trace: 'off',
    launchOptions: {
      executablePath,
      // Quiet offline: no background traffic to Google's hosts (refused on these machines).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    command: 'node e2e/servers.js --stop-with-stdin',
    url: 'http://localhost:5174/e2e/pages/signin.html',
    // CI always starts its own; locally a running `node e2e/servers.js` is reused.
    reuseExistingServer: !process.env.CI,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 },
    timeout: 60_000,
    stdout: 'pipe',
  },
});
