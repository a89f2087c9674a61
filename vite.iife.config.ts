import { defineConfig } from 'vite';
import { inlineLazyImports } from './scripts/inline-lazy-imports.js';
import { minifyTemplates } from './scripts/minify-templates.js';

// Script-tag build: one classic script with lit and the relying party inlined; sets window.AqSignin.
export default defineConfig({
  plugins: [minifyTemplates(), inlineLazyImports()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    lib: {
      entry: 'src/autoload.ts',
      formats: ['iife'],
      name: 'AqSignin',
      fileName: () => 'aq-signin.js',
    },
    // A classic script cannot load chunks: the element's lazy import of the relying party is
    // inlined here (an ESM app gets it as a second chunk instead). inlineLazyImports() already
    // makes our own import()s static; this keeps any other one in the file too.
    rolldownOptions: { output: { codeSplitting: false } },
  },
});
