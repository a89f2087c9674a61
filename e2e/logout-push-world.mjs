// The world of e2e/logout-push.spec.ts, started by the spec itself (beforeAll) on free ports and
// stopped with it: a real redis-server; the dev OP on `localhost`; backend instance A serving the
// e2e pages on `127.0.0.1` (another site than the OP: its session iframe sees no cookie, as where
// third-party cookies are blocked); backend instance B (API only). A and B share the Redis. The
// OP's back-channel logouts go through a relay that keeps each logout token (for the replay
// test) and forwards it to one instance (B unless told).
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { installBackend, startBackend } from '../demo/backend/server.js';
import { startOp } from '../demo/op/provider.js';
import { freePort } from '../scripts/free-port.mjs';
import { startRedis } from '../scripts/redis-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @param {http.Server} server */
async function listen(server, port, host) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** @returns {Promise<import('./logout-push-world.d.mts').World>} */
export async function startWorld() {
  const redis = await startRedis();
  const [opPort, aPort, bPort, relayPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const a = `http://127.0.0.1:${aPort}`;
  const world = { redis, a, aSameSite: `http://localhost:${aPort}`, b: `http://localhost:${bPort}`, logoutTokens: [], forwardTo: '' };
  world.forwardTo = world.b;

  const relay = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const to = world.forwardTo;
      const answer = await fetch(`${to}${req.url}`, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body });
      world.logoutTokens.push({ path: req.url ?? '', token: new URLSearchParams(body).get('logout_token') ?? '', to, status: answer.status });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
      res.end(await answer.text());
    });
  });
  await listen(relay, relayPort, '127.0.0.1');

  // localhost:A too: the same pages on the OP's site, where its session iframe works (the bench).
  const op = await startOp({ port: opPort, rpOrigins: [a, world.aSameSite], backchannelLogoutUri: `http://localhost:${relayPort}/api/backchannel-logout` });
  world.issuer = op.issuer;
  const options = { issuer: op.issuer, redisUrl: redis.url };
  const vite = await createServer({
    configFile: false,
    root,
    appType: 'mpa',
    logLevel: 'warn',
    // Its own cache: the shared node_modules/.vite belongs to the main e2e servers.
    cacheDir: join(tmpdir(), 'aq-e2e-logout-push-vite'),
    optimizeDeps: { entries: ['e2e/pages/signin.html'], include: ['lit', 'oauth4webapi'] },
    server: { host: '127.0.0.1', port: aPort, strictPort: true, hmr: false },
  });
  const backendA = await installBackend(vite, options);
  await vite.listen();
  const b = await startBackend({ port: bPort, ...options });

  world.close = async () => {
    await Promise.allSettled([vite.close().then(() => backendA.close()), b.close(), op.close(), new Promise((resolve) => relay.close(resolve))]);
    relay.closeAllConnections();
    await redis.close();
  };
  return world;
}
