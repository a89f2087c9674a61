import { defineConfig } from 'vite';

// Script-tag build: one classic script with lit and oauth4webapi inlined; sets window.AqSignin.
export default defineConfig({
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
