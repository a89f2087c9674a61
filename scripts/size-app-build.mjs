// How `npm run size` and `npm run size:breakdown` bundle an app: as a production build with Vite's
// defaults would (minified, code-split), with 'aq-signin/define' aliased to <dist>/define.js.
import { build } from 'vite';

/** The app's output chunks; `sourcemap` only for the breakdown, which reads the maps. */
export async function buildApp({ root, dist, entry, sourcemap = false }) {
  const output = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    resolve: {
      alias: { 'aq-signin/define': `${dist}/define.js` },
      // From this checkout whatever dist imports them, so two builds compare on the same copies.
      dedupe: ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', 'oauth4webapi', 'jose'],
    },
    build: { write: false, minify: true, sourcemap, target: 'es2022', rolldownOptions: { input: entry } },
  });
  return (Array.isArray(output) ? output[0] : output).output.filter((o) => o.type === 'chunk');
}
