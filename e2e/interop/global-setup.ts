// The interop world, started before the suite and stopped after it: a Vite server for the test
// page, and each third-party OP from a state folder made for this run under the system's temp
// folder. Everything listens on 127.0.0.1 and is reached as `localhost` (one site: the OPs'
// cookies reach their iframes). The tests learn what runs from AQ_INTEROP (JSON): per OP, its
// issuer, or why it does not run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
// @ts-expect-error plain JS modules (they run in the runner's process, next to the OPs' own JS)
import { LLNG_PACKAGES, llngAvailable, startLemonLdap } from './ops/lemonldap-ng.js';
// @ts-expect-error plain JS
import { GLEWLWYD_PACKAGES, glewlwydAvailable, startGlewlwyd } from './ops/glewlwyd.js';
// @ts-expect-error plain JS
import { startOidcProvider9 } from './ops/oidc-provider-9.js';
import { PORTS, RP, PAGE, type InteropWorld } from './world';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Closer = () => Promise<void>;

/** Installs the Debian packages of the OPs when it can (root with apt), else says how to get them. */
function installable(packages: string[], available: () => boolean, name: string): string | null {
  if (available()) return null;
  const command = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    return `${name} skipped: not installed. As root on Debian 12: ${command}`;
  }
  console.log(`interop: installing ${name} (${packages.length} Debian packages)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return available() ? null : `${name} skipped: still missing after ${command}`;
}

export default async function globalSetup(): Promise<Closer> {
  const state = mkdtempSync(join(tmpdir(), 'aq-interop-'));
  const closers: Closer[] = [];
  const teardown: Closer = async () => {
    await Promise.allSettled(closers.reverse().map((close) => close()));
    if (!process.env.AQ_INTEROP_KEEP) rmSync(state, { recursive: true, force: true });
  };
  const redirectUris = [`${RP}${PAGE}`];
  const world: InteropWorld = { state, ops: {} };
  try {
    const vite = await createServer({
      configFile: false,
      root,
      appType: 'mpa',
      clearScreen: false,
      logLevel: 'warn',
      optimizeDeps: { entries: [`e2e/pages/signin.html`], include: ['lit', 'oauth4webapi'] },
      server: { host: 'localhost', port: PORTS.rp, strictPort: true, hmr: false },
    });
    await vite.listen();
    closers.push(() => vite.close());

    const op9 = await startOidcProvider9({ port: PORTS.op9, clientId: 'interop', redirectUris });
    closers.push(op9.close);
    world.ops['oidc-provider-9'] = { issuer: op9.issuer };

    const llngSkip = installable(LLNG_PACKAGES, llngAvailable, 'LemonLDAP::NG');
    if (llngSkip) world.ops.lemonldap = { skip: llngSkip };
    else {
      const llng = await startLemonLdap({ port: PORTS.llng, dir: join(state, 'lemonldap-ng'), redirectUris });
      closers.push(llng.close);
      world.ops.lemonldap = { issuer: llng.issuer };
    }

    const glewlwydSkip = installable(GLEWLWYD_PACKAGES, glewlwydAvailable, 'Glewlwyd');
    if (glewlwydSkip) world.ops.glewlwyd = { skip: glewlwydSkip };
    else {
      // Its test page on the OP's own origin loads the script-tag build.
      if (!existsSync(join(root, 'dist/aq-signin.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
      const glewlwyd = await startGlewlwyd({ port: PORTS.glewlwyd, dir: join(state, 'glewlwyd'), redirectUris, distDir: join(root, 'dist') });
      closers.push(glewlwyd.close);
      world.ops.glewlwyd = { issuer: glewlwyd.issuer, page: glewlwyd.sameOriginPage };
    }
  } catch (err) {
    await teardown();
    throw err;
  }
  const skipped = Object.values(world.ops).flatMap((op) => (op.skip ? [op.skip] : []));
  // A developer without root or apt gets the other OPs and one line for each missing one; CI
  // (AQ_INTEROP_REQUIRE=1, set by .ci/run) runs as root and must run all three, never skip.
  if (skipped.length && process.env.AQ_INTEROP_REQUIRE === '1') {
    await teardown();
    throw new Error(`interop: AQ_INTEROP_REQUIRE=1 but ${skipped.join('; ')}`);
  }
  for (const why of skipped) console.log(`interop: ${why}`);
  process.env.AQ_INTEROP = JSON.stringify(world);
  return teardown;
}
