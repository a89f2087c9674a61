import MagicString from 'magic-string';
import type { Plugin } from 'vite';

/**
 * Comments and indentation out, and two spellings CSS defines as the same value: `0.5em` is
 * `.5em` (a number's leading zero, CSS Syntax §4.3.12) and `[theme='grey']` is `[theme=grey]`
 * (an attribute value that is an identifier needs no quotes, Selectors 4 §6.1). These strings ship
 * as written in every app that bundles us (minifiers keep template literals verbatim).
 */
export function minifyCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}')
    .replace(/(^|[\s:,])0\.(\d+[a-z%]*)(?=[\s,;)}!/]|$)/g, '$1.$2')
    .replace(/\[([\w-]+)=(['"])([a-zA-Z_][\w-]*)\2\]/g, '[$1=$3]')
    .trim();
}

/**
 * A build plugin for our own sources: the whitespace and comments inside Lit's css`` templates.
 * Minifiers keep template literals verbatim, so a readable stylesheet would ship as written.
 */
export function minifyTemplates(): Plugin {
  return {
    name: 'aq-minify-templates',
    transform(code: string, id: string) {
      if (!/\/src\/element\/[^/]+\.ts$/.test(id)) return null;
      // css`...` without ${} inside: the only form our stylesheets use. Overwritten in place, so the
      // source map still points the rest of the file at its own lines.
      const out = new MagicString(code);
      for (const m of code.matchAll(/\bcss`([^`$]*)`/g)) {
        const start = m.index + 'css`'.length;
        out.overwrite(start, start + m[1].length, minifyCss(m[1]));
      }
      return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true, source: id }) } : null;
    },
  };
}
