// `npm run size`: min+gzip bytes of what a page loads, ours beside oidc-client-ts, bundled the same
// way in the same run. Fails (exit 1) when a budget of DESIGN.md is exceeded: sizes do not vary.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const KB = 1024;

if (!process.argv.includes('--no-build')) execSync('npm run build', { cwd: root, stdio: 'ignore' });

const gz = (code) => gzipSync(code, { level: 9 }).length;

/**
 * Bundles an app entry as a production build would (minified, code-split) and returns the code a
 * page loads up front: the entry chunk and its static imports. Lazy chunks, if any, are reported
 * apart.
 */
async function bundle(entry) {
  const output = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    resolve: { alias: { 'aq-signin/define': `${root}dist/define.js` } },
    build: { write: false, minify: true, target: 'es2022', rolldownOptions: { input: `${root}${entry}` } },
  });
  const chunks = new Map((Array.isArray(output) ? output[0] : output).output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
  const eager = new Set();
  const visit = (name) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const dep of chunks.get(name).imports) visit(dep);
  };
  for (const c of chunks.values()) if (c.isEntry) visit(c.fileName);
  const pick = (inEager) => [...chunks.values()].filter((c) => eager.has(c.fileName) === inEager).map((c) => c.code).join('\n');
  return { eager: pick(true), lazy: pick(false) };
}

const scriptTag = readFileSync(`${root}dist/aq-signin.js`, 'utf8');
const ours = await bundle('scripts/size/aq-signin-app.js');
const theirs = await bundle('scripts/size/oidc-client-ts-app.js');

const rows = [
  { what: 'script-tag build dist/aq-signin.js (everything)', code: scriptTag, budget: 20 * KB },
  { what: 'ESM app: aq-signin/define, code flow, session monitor', code: ours.eager, budget: gz(theirs.eager) },
  // Nothing of the default path is lazy today; a lazy chunk would be listed here, not hidden.
  ...(ours.lazy ? [{ what: '  + lazy chunks', code: ours.lazy }] : []),
  { what: 'oidc-client-ts 3.5 minimal redirect client (no UI)', code: theirs.eager },
];

const pad = (s, n) => String(s).padStart(n);
console.log(`${'what'.padEnd(58)} ${pad('min', 8)} ${pad('gzip', 8)} ${pad('budget', 8)}`);
let over = false;
for (const { what, code, budget } of rows) {
  const size = gz(code);
  const verdict = budget === undefined ? '' : size <= budget ? 'ok' : 'OVER';
  if (verdict === 'OVER') over = true;
  console.log(`${what.padEnd(58)} ${pad(code.length, 8)} ${pad(size, 8)} ${pad(budget ?? '', 8)} ${verdict}`);
}
console.log(`ratio ESM app / oidc-client-ts (gzip): ${(gz(ours.eager) / gz(theirs.eager)).toFixed(2)}`);
if (over) {
  console.error('size: over budget (DESIGN.md, Budgets)');
  process.exit(1);
}
