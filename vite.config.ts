import { defineConfig } from 'vitest/config';
import { minifyTemplates } from './scripts/minify-templates.js';

// Library build: ESM entries with lit (and, for the server helpers,
// oauth4webapi and jose) external, so an app bundles one copy of each.
export default defineConfig({
  plugins: [minifyTemplates()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: { index: 'src/index.ts', define: 'src/define.ts', server: 'src/server/index.ts', 'server-node': 'src/server/node.ts' },
      formats: ['es'],
    },
    rolldownOptions: {
      external: [/^lit/, /^@lit\//, /^oauth4webapi$/, /^jose$/, /^node:/],
    },
  },
  test: {
    environment: 'happy-dom',
    setupFiles: ['vitest.setup.ts'],
    include: ['src/**/*.test.ts', 'demo/**/*.test.js'],
  },
});
