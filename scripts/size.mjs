// `npm run size`: min+gzip bytes of what a page loads, ours beside what a developer builds instead
// (oidc-client-ts's UserManager behind a small Lit button), bundled the same way in the same run.
// Exits 1 when a budget of docs/size-and-speed.md is exceeded: sizes do not vary from run to run.
//
//   node scripts/size.mjs            builds (npm run build), then measures ./dist
//   node scripts/size.mjs --no-build measures ./dist as it is
//   node scripts/size.mjs --json     the rows as JSON (what `npm run bench` reads)
//   AQ_DIST=/path/to/dist node scripts/size.mjs
//                                    measures another build (another worktree's dist, to compare
//                                    two builds); never builds. Its bare imports (lit, oauth4webapi…)
//                                    resolve from this checkout's node_modules, like the peers'.
//
// Every app is bundled by Vite as a production build would (minified, code-split), with
// 'aq-signin/define' aliased to <dist>/define.js. Each chunk is gzipped on its own (level 9), as a
// server sends it; a row of several chunks is the sum of their sizes.
//   eager = the entry chunk and its static imports: what loads before the button can paint;
//   lazy  = the chunks only reachable by import(): the relying party that loads on connect.
// The "page loads" rows say what one page loads for its configuration: the eager chunks and what
// they import() as the element connects (every page), plus the lazy chunks of the options it sets.
// They carry no budget of their own.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildApp } from './size-app-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = resolve(process.env.AQ_DIST ?? `${root}dist`);
const KB = 1024;
const json = process.argv.includes('--json');

/**
 * The budgets (gzip bytes), set from the stack: Lit and the oauth4webapi functions the flows must
 * call are about 15.5 kB of any page, before a line of ours (docs/size-and-speed.md, "Budgets").
 * They guard against growth; the peer's figure is printed beside them, measured in the same run.
 */
const BUDGET = {
  // The element, its styles and labels, Lit: all a page loads before the button paints.
  firstPaint: 10 * KB,
  // What a page with no option loads: first paint, then the relying party as the element connects.
  defaultPage: 34 * KB,
  // Each option's own chunk, loaded only by the pages that set it.
  optionChunk: 2 * KB,
  // One classic script with every feature.
  scriptTag: 36 * KB,
  // Every chunk an ESM app can load, all options at once (no page sets them all).
  esmAll: 40 * KB,
};

if (!process.env.AQ_DIST && !process.argv.includes('--no-build')) execSync('npm run build', { cwd: root, stdio: 'ignore' });
for (const f of ['define.js', 'aq-signin.js']) {
  if (!existsSync(`${dist}/${f}`)) {
    console.error(`size: ${dist}/${f} missing (npm run build, or AQ_DIST=<a built dist>)`);
    process.exit(2);
  }
}

const gz = (code) => gzipSync(code, { level: 9 }).length;

/**
 * Bundles an app entry as a production build would and splits its chunks into eager (the entry and
 * its static imports) and lazy (the rest: only reachable through import()).
 */
async function bundle(entry) {
  const chunks = new Map((await buildApp({ root, dist, entry: `${root}${entry}` })).map((c) => [c.fileName, c]));
  const eager = new Set();
  const visit = (name) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const dep of chunks.get(name).imports) visit(dep);
  };
  for (const c of chunks.values()) if (c.isEntry) visit(c.fileName);
  const part = (inEager) => {
    const list = [...chunks.values()].filter((c) => eager.has(c.fileName) === inEager).sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
    return { files: list.map((c) => c.fileName), min: list.reduce((n, c) => n + c.code.length, 0), gzip: list.reduce((n, c) => n + gz(c.code), 0) };
  };
  const e = part(true);
  const l = part(false);
  return { chunks, eagerFiles: eager, eager: e, lazy: l, all: { files: [...e.files, ...l.files], min: e.min + l.min, gzip: e.gzip + l.gzip } };
}

/** The src/ files a dist module was built from (its source map), to tell what a lazy chunk is for. */
function distSources(id) {
  if (!existsSync(`${id}.map`)) return [];
  return JSON.parse(readFileSync(`${id}.map`, 'utf8')).sources.map((s) => resolve(dirname(id), s));
}

/**
 * What a page loads per configuration. Every page loads the eager chunks and what they import()
 * (the relying party, as the element connects) with its static imports; the other lazy chunks load
 * only when a configuration asks for them, told apart by the sources they were built from.
 */
function perConfiguration(app) {
  const { chunks, eagerFiles } = app;
  const always = new Set(eagerFiles);
  const visit = (name) => {
    if (always.has(name)) return;
    always.add(name);
    for (const dep of chunks.get(name).imports) visit(dep);
  };
  for (const name of eagerFiles) for (const dep of chunks.get(name).dynamicImports) visit(dep);
  // The options that load a chunk of their own, told apart by the sources it was built from.
  const kinds = [
    { id: 'implicit-hybrid', what: 'implicit/hybrid (front-channel ID token)', test: /\/src\/core\/front-channel\.ts$/ },
    { id: 'backend', what: 'backend hand-off (backend-url, init-url)', test: /\/src\/core\/backend\.ts$/ },
    { id: 'tokens', what: 'renewal and fetch() (a refresh token, api-origins)', test: /\/src\/tokens\// },
    { id: 'dpop', what: 'DPoP (dpop "auto" with an OP that offers it)', test: /\/src\/core\/dpop-key\.ts$/ },
    { id: 'par', what: 'PAR (par, or an OP that requires it)', test: /\/src\/core\/par\.ts$/ },
    { id: 'logout-stream', what: 'the logout stream (logout-events-url)', test: /\/src\/session\/logout-stream\.ts$/ },
  ];
  const extra = new Map(kinds.map((k) => [k.id, []]));
  const other = [];
  for (const c of chunks.values()) {
    if (always.has(c.fileName)) continue;
    const sources = c.moduleIds.flatMap((id) => (id.startsWith(dist) ? distSources(id) : []));
    const kind = kinds.find((k) => sources.some((s) => k.test.test(s)));
    (kind ? extra.get(kind.id) : other).push(c);
  }
  const sum = (list) => ({ files: list.map((c) => c.fileName), min: list.reduce((n, c) => n + c.code.length, 0), gzip: list.reduce((n, c) => n + gz(c.code), 0) });
  const base = sum([...always].map((f) => chunks.get(f)));
  const rows = [{ id: 'page-default', what: 'page loads: default (code, popup, no backend)', ...base, budget: BUDGET.defaultPage }];
  for (const k of kinds) {
    const add = sum(extra.get(k.id));
    // An option whose code is in the default page's chunks loads nothing more: no budget to keep.
    rows.push({ id: `page-${k.id}`, what: `  + ${k.what}`, files: add.files, min: add.min, gzip: add.gzip, budget: add.files.length ? BUDGET.optionChunk : undefined });
  }
  if (other.length) rows.push({ id: 'page-other-lazy', what: `  + lazy chunks of no known option (${other.length})`, ...sum(other), budget: 0 });
  return rows;
}

/** Whether dist/define.js, or a module it imports statically, imports another module lazily. */
function distHasLazyImport() {
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file) || !existsSync(file)) return false;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    if (/\bimport\(\s*["'`]\.\.?\//.test(code)) return true;
    for (const [, spec] of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.\.?\/[^"']+)["']/g)) if (walk(resolve(dirname(file), spec))) return true;
    return false;
  };
  return walk(`${dist}/define.js`);
}

const scriptTag = readFileSync(`${dist}/aq-signin.js`, 'utf8');
const ours = await bundle('scripts/size/aq-signin-app.js');
const lit = await bundle('scripts/size/oidc-client-ts-lit-app.js');
const noUi = await bundle('scripts/size/oidc-client-ts-app.js');

const rows = [
  { id: 'script-tag', what: 'script-tag build dist/aq-signin.js (everything)', min: scriptTag.length, gzip: gz(scriptTag), budget: BUDGET.scriptTag },
  { id: 'esm-first-paint', what: 'ESM app aq-signin/define: first paint (eager)', ...ours.eager, budget: BUDGET.firstPaint },
  { id: 'esm-lazy', what: `  + lazy chunks (${ours.lazy.files.length})`, ...ours.lazy },
  { id: 'esm-all', what: '  = everything it can load', ...ours.all, budget: BUDGET.esmAll },
  { id: 'lit-oidc-client-ts', what: 'oidc-client-ts 3.5 UserManager + Lit button', ...lit.all },
  { id: 'oidc-client-ts', what: '(info) oidc-client-ts 3.5 redirect client, no UI', ...noUi.all },
  ...perConfiguration(ours),
];
const peer = lit.all.gzip;
const defaultPage = rows.find((r) => r.id === 'page-default');
const ratios = { defaultPage: defaultPage.gzip / peer, everything: ours.all.gzip / peer };
const problems = rows.filter((r) => r.budget !== undefined && r.gzip > r.budget).map((r) => `${r.what.trim()}: ${r.gzip} > ${r.budget} B gzip`);
// A lazy import in dist that the app bundle does not keep lazy (a static import of the same module
// somewhere pulls it into the entry) would make the first-paint row silently include it.
const lazyLost = distHasLazyImport() && ours.lazy.files.length === 0;
if (lazyLost) problems.push(`${dist}/define.js imports a chunk lazily, but the app bundle has no lazy chunk`);
if (lit.lazy.files.length || noUi.lazy.files.length) problems.push('a peer app has lazy chunks: the comparison is no longer like for like');

if (json) {
  console.log(JSON.stringify({ dist, rows, ratios, problems }, null, 2));
} else {
  const pad = (s, n) => String(s).padStart(n);
  console.log(`dist: ${dist}`);
  console.log(`${'what'.padEnd(58)} ${pad('min', 8)} ${pad('gzip', 8)} ${pad('budget', 8)}`);
  for (const r of rows) {
    const verdict = r.budget === undefined ? '' : r.gzip <= r.budget ? 'ok' : 'OVER';
    console.log(`${r.what.padEnd(58)} ${pad(r.min, 8)} ${pad(r.gzip, 8)} ${pad(r.budget ?? '', 8)} ${verdict}`.trimEnd());
  }
  console.log(`lazy chunks: ${ours.lazy.files.join(', ') || 'none'}`);
  console.log(`against oidc-client-ts + Lit button (gzip): default page ${ratios.defaultPage.toFixed(2)}x, everything ${ratios.everything.toFixed(2)}x`);
}
if (problems.length) {
  console.error(`size: over budget (docs/size-and-speed.md)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
