import fs from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain "N passed, N failed" line that any CI can read, preceded by each
 * failed test's name and first error line: a CI that keeps only the tail of the log still says
 * what failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') {
          const error = result.errors?.[0]?.message?.split('\n')[0] ?? '';
          failures.push(`${mod.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}: ${error}`);
        } else skipped++;
      }
    }
    const failed = failures.length;
    for (const line of failures) process.stdout.write(`\nFAILED ${line}`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    // scripts/test.mjs runs the suite once per backend and adds the runs up.
    const file = process.env.PARLEY_SUMMARY_FILE;
    if (file) fs.appendFileSync(file, `${JSON.stringify({ backend: process.env.PARLEY_TEST_BACKEND ?? 'sqlite', passed, failed, skipped, failures })}\n`);
  }
}
