import { defineConfig } from 'vitest/config';

// Browser flows against a running stack (scripts/test.d/dashboard-e2e.sh starts it and sets E2E_*).
export default defineConfig({
  cacheDir: '../node_modules/.vite-e2e',
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.ts'],
    environment: 'node',
    // One browser, one stack: flows run one after the other.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['./support/globalSetup.ts'],
  },
});
