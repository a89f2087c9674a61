// The e2e world, started by Playwright's webServer and stopped with it: the dev OP on :3100 and a
// Vite dev server on :5174 serving e2e/pages/*.html (the library straight from /src) and /dist.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { startOp } from '../demo/op/provider.js';

export const OP_PORT = 3100;
export const RP_PORT = 5174;
const root = fileURLToPath(new URL('..', import.meta.url));

const op = await startOp({ port: OP_PORT, rpOrigins: [`http://localhost:${RP_PORT}`] });
const vite = await createServer({
  configFile: false,
  root,
  appType: 'mpa',
  clearScreen: false,
  logLevel: 'warn',
  // Pre-bundled up front: a dependency found later (jose is behind a dynamic import) would make
  // Vite reload the page in the middle of a test.
  optimizeDeps: { entries: ['e2e/pages/*.html'], include: ['lit', 'oauth4webapi', 'jose'] },
  server: { host: 'localhost', port: RP_PORT, strictPort: true, hmr: false },
});
await vite.listen();
console.log(`e2e servers up: OP ${op.issuer}, pages http://localhost:${RP_PORT}/e2e/pages/`);

const stop = async () => {
  await Promise.allSettled([vite.close(), op.close()]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
