import MagicString from 'magic-string';
import type { Plugin } from 'vite';

/**
 * For the script-tag build only: `import('./x.js')` in our sources becomes a static import
 * (`Promise.resolve(ns)`). That build is one file whatever we do, so the lazy import saves nothing
 * there; left lazy, the bundler wraps every module it reaches in an init function to keep the lazy
 * evaluation order, which costs bytes (npm run size:breakdown, "(glue)") and blocks hoisting.
 * The relying party's modules have no top-level side effects, so evaluating them at load is safe.
 */
export function inlineLazyImports(): Plugin {
  return {
    name: 'aq-inline-lazy-imports',
    transform(code: string, id: string) {
      if (!/\/src\/.+\.ts$/.test(id)) return null;
      const out = new MagicString(code);
      const names = new Map<string, string>();
      for (const m of code.matchAll(/(?<!typeof\s*)\bimport\(\s*(['"])(\.\.?\/[^'"]+)\1\s*\)/g)) {
        const spec = m[2];
        if (!names.has(spec)) names.set(spec, `__aqLazy${names.size}`);
        out.overwrite(m.index, m.index + m[0].length, `Promise.resolve(${names.get(spec)})`);
      }
      if (!names.size) return null;
      out.prepend([...names].map(([spec, name]) => `import * as ${name} from ${JSON.stringify(spec)};\n`).join(''));
      return { code: out.toString(), map: out.generateMap({ hires: true, source: id }) };
    },
  };
}
