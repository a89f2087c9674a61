// `npm run typecheck` part: every ```ts / ```tsx snippet of the README and docs/frameworks.md
// compiles in a strict TypeScript project, as a newcomer would paste it (issue: a README that can
// break the build does not drift). Each snippet becomes a module of its own in .snippets/ (not
// committed), with `aq-signin` resolved to this checkout's sources; tsc --strict checks them all.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}.snippets/`;
const sources = ['README.md', 'docs/frameworks.md'];

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const files = [];
for (const source of sources) {
  const text = readFileSync(root + source, 'utf8');
  let n = 0;
  for (const [, lang, body] of text.matchAll(/^```(tsx?)\n([\s\S]*?)^```$/gm)) {
    const name = `${source.replace(/\W+/g, '-')}-${++n}.${lang}`;
    // A module of its own (top-level await, no globals shared between snippets).
    writeFileSync(out + name, `${body}\nexport {};\n`);
    files.push(name);
  }
}
if (files.length === 0) throw new Error('check-snippets: no ts/tsx snippet found: did the README change its fences?');

writeFileSync(`${out}tsconfig.json`, JSON.stringify({
  extends: '../tsconfig.json',
  compilerOptions: {
    noUnusedLocals: false,
    types: [],
    paths: {
      'aq-signin': ['../src/index.ts'],
      'aq-signin/define': ['../src/define.ts'],
      'aq-signin/jsx': ['../src/frameworks/jsx.ts'],
      'aq-signin/jsx-preact': ['../src/frameworks/jsx-preact.ts'],
      'aq-signin/vue': ['../src/frameworks/vue.ts'],
      'aq-signin/svelte': ['../src/frameworks/svelte.ts'],
    },
  },
  include: files,
}, null, 2));
try {
  execFileSync('npx', ['tsc', '-p', `${out}tsconfig.json`], { cwd: root, stdio: 'inherit' });
} catch {
  console.error(`check-snippets: a snippet of ${sources.join(' or ')} does not compile (see .snippets/)`);
  process.exit(1);
}
console.log(`check-snippets: ${files.length} snippets of ${sources.join(', ')} compile under strict TypeScript`);
