// `npm run size:breakdown`: where the gzip bytes of `npm run size` go, module by module, for the
// script-tag build and for each chunk of the ESM app (scripts/size/aq-signin-app.js), plus which
// oauth4webapi functions reach the bundle and what in it calls them.
//
//   node scripts/size-breakdown.mjs            builds (npm run build), then measures ./dist
//   node scripts/size-breakdown.mjs --no-build measures ./dist as it is
//   node scripts/size-breakdown.mjs --top 25   rows per chunk (default 15)
//   AQ_DIST=/path/to/dist node scripts/size-breakdown.mjs
//
// Method. Every byte of a minified chunk is given to the source its source map names for it (the
// app's map, then dist's own map back to src/); bytes without a mapping are "(glue)". A module's
// gzip share is what the chunk's gzip loses when that module's bytes are cut out of it
// (leave-one-out, level 9, the rest of the chunk unchanged). Gzip is not additive: the shares do
// not sum to the chunk exactly (the "sum of shares" line says by how much), but each one is what
// dropping that module would save, which is the question a byte budget asks.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { TraceMap, eachMapping, originalPositionFor } from '@jridgewell/trace-mapping';
import { buildApp } from './size-app-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = resolve(process.env.AQ_DIST ?? `${root}dist`);
const topArg = process.argv.indexOf('--top');
const TOP = topArg > 0 ? Number(process.argv[topArg + 1]) : 15;
const gz = (code) => gzipSync(code, { level: 9 }).length;

if (!process.env.AQ_DIST && !process.argv.includes('--no-build')) execSync('npm run build', { cwd: root, stdio: 'ignore' });

const o4w = realpathSync(resolve(root, 'node_modules/oauth4webapi/build/index.js'));
const o4wLines = readFileSync(o4w, 'utf8').split('\n');

/** Top-level declarations of oauth4webapi's build: name, first and last line (0-based). */
const o4wDecls = (() => {
  const decls = [];
  const start = /^(?:export )?(?:async )?(?:function\*? |class |const |let |var )([\w$]+)/;
  o4wLines.forEach((line, i) => {
    const m = start.exec(line);
    if (m) decls.push({ name: m[1], from: i });
  });
  decls.forEach((d, i) => (d.to = (decls[i + 1]?.from ?? o4wLines.length) - 1));
  return decls;
})();
const o4wDeclAt = (line) => {
  let lo = 0;
  let hi = o4wDecls.length - 1;
  if (line < o4wDecls[0].from) return '(module top)';
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (o4wDecls[mid].from <= line) lo = mid;
    else hi = mid - 1;
  }
  return o4wDecls[lo].name;
};

const distMaps = new Map();
/** dist/x.js:line:col → the src/ file its own source map names (or the dist file when it has none). */
function throughDist(file, line, column) {
  if (!distMaps.has(file)) distMaps.set(file, existsSync(`${file}.map`) ? new TraceMap(readFileSync(`${file}.map`, 'utf8'), `${file}.map`) : null);
  const map = distMaps.get(file);
  if (!map) return { source: file, line };
  const pos = originalPositionFor(map, { line: line + 1, column });
  return pos.source ? { source: resolve(dirname(file), pos.source), line: pos.line - 1 } : { source: file, line };
}

const label = (source) => {
  const rel = relative(root, source).replaceAll('\\', '/');
  const nm = rel.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = rel.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    const file = rest.slice(rest[0].startsWith('@') ? 2 : 1).join('/');
    return `${pkg} ${file.replace(/^(development|build|dist)\//, '')}`;
  }
  return rel.replace(/^\.\.\/+/, '');
};

/**
 * Gives each byte of `code` an owner through `map` (a source map whose sources may be dist files,
 * followed to src/). Returns, per owner, the [start, end) byte ranges, plus oauth4webapi's bytes per
 * top-level function.
 */
function attribute(code, mapJson, mapUrl) {
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
  const map = new TraceMap(mapJson, mapUrl);
  const segs = [];
  eachMapping(map, (m) => {
    const at = lineStarts[m.generatedLine - 1] + m.generatedColumn;
    if (!m.source) return segs.push({ at, owner: null });
    let source = resolve(dirname(mapUrl), m.source);
    let line = m.originalLine - 1;
    if (source.startsWith(dist) && source.endsWith('.js')) ({ source, line } = throughDist(source, line, m.originalColumn));
    segs.push({ at, owner: label(source), fn: source === o4w ? o4wDeclAt(line) : undefined });
  });
  segs.sort((a, b) => a.at - b.at);
  const ranges = new Map();
  const fnRanges = new Map();
  const add = (into, owner, from, to) => {
    if (to <= from) return;
    const list = into.get(owner) ?? [];
    const last = list.at(-1);
    if (last && last[1] === from) last[1] = to;
    else list.push([from, to]);
    into.set(owner, list);
  };
  add(ranges, '(glue)', 0, segs[0]?.at ?? code.length);
  segs.forEach((s, i) => {
    const to = segs[i + 1]?.at ?? code.length;
    add(ranges, s.owner ?? '(glue)', s.at, to);
    if (s.fn) add(fnRanges, s.fn, s.at, to);
  });
  return { ranges, fnRanges };
}

/** Per owner: minified bytes and the gzip saved by cutting it out of the chunk. */
function shares(code, ranges) {
  const whole = gz(code);
  const rows = [];
  for (const [owner, list] of ranges) {
    let without = '';
    let at = 0;
    let min = 0;
    for (const [from, to] of list) {
      without += code.slice(at, from);
      at = to;
      min += to - from;
    }
    without += code.slice(at);
    rows.push({ owner, min, gzip: whole - gz(without) });
  }
  rows.sort((a, b) => b.gzip - a.gzip);
  return { whole, rows };
}

function print(title, code, mapJson, mapUrl, o4wTotals) {
  const { ranges, fnRanges } = attribute(code, mapJson, mapUrl);
  const { whole, rows } = shares(code, ranges);
  console.log(`\n${title}: ${code.length} B min, ${whole} B gzip`);
  console.log(`  ${'module'.padEnd(56)} ${'min'.padStart(7)} ${'gzip'.padStart(6)}`);
  for (const r of rows.slice(0, TOP)) console.log(`  ${r.owner.padEnd(56)} ${String(r.min).padStart(7)} ${String(r.gzip).padStart(6)}`);
  const rest = rows.slice(TOP);
  if (rest.length) console.log(`  ${`(${rest.length} more)`.padEnd(56)} ${String(rest.reduce((n, r) => n + r.min, 0)).padStart(7)} ${String(rest.reduce((n, r) => n + r.gzip, 0)).padStart(6)}`);
  const byPkg = new Map();
  for (const r of rows) {
    const key = r.owner.startsWith('src/') ? r.owner.split('/').slice(0, 2).join('/') : r.owner.split(' ')[0];
    byPkg.set(key, (byPkg.get(key) ?? 0) + r.gzip);
  }
  console.log(`  by package/folder (gzip): ${[...byPkg].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`  sum of shares ${rows.reduce((n, r) => n + r.gzip, 0)} B vs ${whole} B gzip of the chunk`);
  // oauth4webapi's functions, measured in the bundle that holds them all (the script tag, first).
  if (!o4wTotals.size) for (const r of shares(code, fnRanges).rows) o4wTotals.set(r.owner, r);
  return rows;
}

// oauth4webapi: which of its functions are in a bundle, and which other kept function (or which of
// our modules, for its exports) refers to each.
function o4wCallers(kept) {
  const bodies = new Map(o4wDecls.map((d) => [d.name, o4wLines.slice(d.from, d.to + 1).join('\n')]));
  const ours = new Map();
  const srcFiles = execSync('git ls-files src', { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => /^src\/(core|element|session)\/.*(?<!\.test)\.ts$/.test(f));
  for (const f of srcFiles) {
    const text = readFileSync(`${root}${f}`, 'utf8');
    if (!/from 'oauth4webapi'/.test(text)) continue;
    for (const [, name] of text.matchAll(/\boauth\.([A-Za-z_$][\w$]*)/g)) {
      const list = ours.get(name) ?? new Set();
      list.add(f.replace(/^src\//, ''));
      ours.set(name, list);
    }
  }
  const out = [];
  for (const [fn, { min, gzip }] of [...kept].sort((a, b) => b[1].gzip - a[1].gzip || b[1].min - a[1].min)) {
    const callers = [...kept.keys()].filter((other) => other !== fn && new RegExp(`(?<![\\w$.])${fn.replace(/\$/g, '\\$')}(?![\\w$])`).test(bodies.get(other) ?? ''));
    const from = [...(ours.get(fn) ?? [])];
    out.push({ fn, min, gzip, from, callers });
  }
  return out;
}

const o4wTotals = new Map();
// As served: with its sourceMappingURL line, as npm run size measures it.
const scriptTag = readFileSync(`${dist}/aq-signin.js`, 'utf8');
print('script-tag build dist/aq-signin.js', scriptTag, readFileSync(`${dist}/aq-signin.js.map`, 'utf8'), `${dist}/aq-signin.js.map`, o4wTotals);

// The ESM app, bundled as scripts/size.mjs does, with source maps.
const chunks = await buildApp({ root, dist, entry: `${root}scripts/size/aq-signin-app.js`, sourcemap: true });
for (const c of chunks.sort((a, b) => Number(b.isEntry) - Number(a.isEntry) || b.code.length - a.code.length)) {
  // Without the sourceMappingURL line that sourcemap: true adds here and npm run size's build has not.
  const code = c.code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  // Vite's default outDir: the map's sources are relative to where the chunk would be written.
  print(`ESM app chunk ${c.fileName}${c.isEntry ? ' (entry)' : ''}`, code, JSON.stringify(c.map), `${root}dist/${c.fileName}.map`, o4wTotals);
}

console.log('\noauth4webapi top-level functions in the script-tag build (min bytes, gzip share), called from our code (oauth.X) or by another kept function:');
for (const r of o4wCallers(o4wTotals)) {
  const why = [r.from.length ? `ours: ${r.from.join(', ')}` : '', r.callers.length ? `by: ${r.callers.join(', ')}` : ''].filter(Boolean).join('; ');
  console.log(`  ${r.fn.padEnd(40)} ${String(r.min).padStart(6)} ${String(r.gzip).padStart(5)}  ${why || '(module top)'}`);
}
