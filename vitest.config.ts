import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/summaryReporter.ts'],
    globalSetup: ['./packages/server/test/support/globalSetup.ts'],
  },
});
