// An OP in a child process of the suite: its output goes to a log file in the state folder, it is
// ready when a URL answers (any status below 500), and it stops with the suite (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';

/**
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, ready: string, log: string, timeout?: number }} options
 */
export async function spawnOp(name, command, args, { env, cwd, ready, log, timeout = 30_000 }) {
  // Something else on the port would answer for the OP: the tests would drive a stranger.
  if (await fetch(ready).then(() => true, () => false)) throw new Error(`${name}: ${ready} already answers before the OP started (port in use)`);
  const out = openSync(log, 'a');
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', out, out] });
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal ?? code; });
  // A runner that dies without its teardown must not leave the OP holding the port.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  const until = Date.now() + timeout;
  for (;;) {
    if (exited !== null) throw new Error(`${name} exited (${exited}) while starting; its log, ${log}:\n${readFileSync(log, 'utf8').slice(-3000)}`);
    const ok = await fetch(ready).then((r) => r.status < 500, () => false);
    if (ok) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer ${ready} within ${timeout} ms; its log, ${log}:\n${readFileSync(log, 'utf8').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    stop: () => new Promise((resolve) => {
      if (exited !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
