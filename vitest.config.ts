import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    pool: 'forks',
    // Vitest's default is one fork fewer than the cores: a single fork on a 2-core machine, where
    // test files spend most of their time waiting on servers and browsers. Two take a third off
    // the suite's time there (10 to 6.5 minutes a backend); three gained nothing more and made
    // timing-sensitive tests flaky.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/summaryReporter.ts'],
    globalSetup: ['./packages/server/test/support/globalSetup.ts'],
  },
});
