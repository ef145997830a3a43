import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/** `npm run test:cluster`: several built API and worker processes on one PostgreSQL and Redis. */
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/cluster/**/*.spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
