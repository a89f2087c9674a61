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
      // css`...` without ${} inside: the only form our stylesheets use.
      const out = code.replace(/\bcss`([^`$]*)`/g, (_m: string, body: string) => `css\`${minifyCss(body)}\``);
      return out === code ? null : { code: out, map: null };
    },
  };
}
