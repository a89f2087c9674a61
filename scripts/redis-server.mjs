// A real redis-server for the tests (unit and e2e): Debian's package, on a free 127.0.0.1 port,
// in a temporary directory, without persistence; stopped by the test that started it (and with
// this process, whatever happens). `stop()` then `start()` brings it back on the same port: a
// Redis that goes down and returns, as the tests of a lost connection need.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.mjs';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** Throws one line saying how to get redis-server when it is missing: never a silent skip. */
export function requireRedisServer() {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`redis-server not found (${REDIS_SERVER}): apt-get install redis-server (or set REDIS_SERVER to its path)`);
  }
}

function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port} within ${ms} ms`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/**
 * Starts redis-server; resolves with `{ url, port, start, stop }` once it accepts connections.
 * @param {{ port?: number }} [options]
 */
export async function startRedis(options = {}) {
  requireRedisServer();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'aq-redis-'));
  let child;
  const kill = () => child?.kill('SIGKILL');
  process.once('exit', kill);

  async function start() {
    if (child) return;
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    const spawned = child;
    spawned.once('exit', () => {
      if (child === spawned) child = undefined;
    });
    await waitForPort(port, 5000);
  }

  /** Stops it (SIGTERM, as an operator would); clients see their connection close. */
  async function stop() {
    const running = child;
    if (!running) return;
    child = undefined;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill('SIGTERM');
    });
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    /** Stops it for good and removes its directory. */
    async close() {
      await stop();
      process.off('exit', kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
