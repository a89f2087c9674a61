// Before the e2e suite: make sure there is a Chromium, or say in one line how to get one.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from '../e2e/browser-path.mjs';

if (!chromiumPath()) {
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (canApt) {
    console.log('No Chromium found: installing Debian\'s chromium package...');
    try {
      execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
    } catch {
      // apt-get printed why; the line below says what else to do.
    }
  }
  if (!chromiumPath()) {
    console.error('No Chromium for the e2e tests: run `sudo apt-get install chromium`, or `npx playwright install chromium`, or set CHROMIUM_PATH.');
    process.exit(1);
  }
}
