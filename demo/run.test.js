// @vitest-environment node
// `npm run demo` as a newcomer starts it: RP_ORIGINS lets a page on another origin sign in, and
// the banner says which redirect URIs the dev OP accepts. Runs demo/run.js itself, on free ports.
import { spawn } from 'node:child_process';
import { freePort } from '../scripts/free-port.mjs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpOriginsFrom } from './op/rp-origins.js';

describe('RP_ORIGINS', () => {
  it('adds origins to the demo\'s own, and names a malformed one', () => {
    expect(rpOriginsFrom({})).toEqual(['http://localhost:5173']);
    expect(rpOriginsFrom({ RP_ORIGINS: ' http://localhost:8080/app , http://localhost:5173' })).toEqual(['http://localhost:5173', 'http://localhost:8080']);
    expect(() => rpOriginsFrom({ RP_ORIGINS: 'localhost:8080' })).toThrow(/RP_ORIGINS: "localhost:8080"/);
  });
});

describe('npm run demo with RP_ORIGINS', () => {
  let demo;
  let banner = '';
  let issuer;
  let demoOrigin;
  const ownPage = 'http://localhost:8089';

  beforeAll(async () => {
    const [opPort, demoPort] = [await freePort(), await freePort()];
    issuer = `http://localhost:${opPort}`;
    demoOrigin = `http://localhost:${demoPort}`;
    demo = spawn(process.execPath, [fileURLToPath(new URL('run.js', import.meta.url))], {
      env: { ...process.env, OP_PORT: String(opPort), DEMO_PORT: String(demoPort), RP_ORIGINS: ownPage },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise((resolve, reject) => {
      demo.stdout.on('data', (d) => {
        banner += d;
        if (banner.includes('Ctrl-C')) resolve();
      });
      demo.stderr.on('data', (d) => { banner += d; });
      demo.once('exit', (code) => reject(new Error(`demo exited (${code}): ${banner}`)));
    });
  }, 30_000);
  afterAll(() => demo?.kill('SIGTERM'));

  const authorize = (redirectUri) => fetch(`${issuer}/auth?${new URLSearchParams({
    client_id: 'demo', response_type: 'code', scope: 'openid', redirect_uri: redirectUri, state: 's', nonce: 'n',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGcSTjLb1M', code_challenge_method: 'S256',
  })}`, { redirect: 'manual' });

  it('prints the redirect URIs the dev OP accepts', () => {
    expect(banner).toContain(`Redirect URIs accepted: any URL (no fragment) on ${demoOrigin}, ${ownPage}`);
  });

  it('lets a page on an RP_ORIGINS origin sign in, and still refuses another', async () => {
    const own = await authorize(`${ownPage}/callback`);
    expect(own.status).toBe(302);
    expect(own.headers.get('location')).toMatch(/^\/interaction\//);
    const other = await authorize('http://localhost:8090/');
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('redirect_uri_mismatch');
  });

  it('serves the demo pages pointed at its OP', async () => {
    expect(await (await fetch(`${demoOrigin}/`)).text()).toContain(`issuer="${issuer}"`);
  });
});
