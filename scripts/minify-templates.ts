import MagicString from 'magic-string';
import type { Plugin } from 'vite';

/** Whitespace-insensitive CSS: comments and indentation out, nothing else touched. */
export function minifyCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}')
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
