// Where a Chromium for Playwright is: $CHROMIUM_PATH, Debian's /usr/bin/chromium, or Playwright's
// own download when a machine has one (its download does not work on machines without internet).
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const path of candidates) if (path && existsSync(path)) return path;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own here.
  }
  return undefined;
}
