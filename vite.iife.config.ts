import { defineConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.js';

// Script-tag build: one classic script with lit inlined; sets window.AqSignin.
export default defineConfig({
  plugins: [minifyTemplates()],
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
  },
});
