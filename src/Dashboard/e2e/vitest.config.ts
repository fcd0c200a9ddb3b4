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
    // The stack shares the machine with the flows: a list that refetches after a change may take
    // seconds under load, so a poll waits as long as a locator does rather than the default second.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    globalSetup: ['./support/globalSetup.ts'],
  },
});
