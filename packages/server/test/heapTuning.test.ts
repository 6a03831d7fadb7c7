import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP_TUNING = fileURLToPath(new URL('../dist/heapTuning.js', import.meta.url));

/**
 * The growth factor V8 applied after a full collection, as its own trace reports it
 * ("[HeapController] Limit: old size: …, new limit: … (2.0)"), in a process that loaded
 * heapTuning the way main.ts does and then collected.
 */
function appliedFactor(nodeFlags: string[]): string {
  const script = `await import(${JSON.stringify(HEAP_TUNING)}); const keep = []; for (let i = 0; i < 1e5; i++) keep.push({ i }); gc();`;
  const out = execFileSync(process.execPath, [...nodeFlags, '--trace-gc-verbose', '--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  const limits = [...out.matchAll(/\[HeapController\] Limit: .*\((\d+\.\d)\)/g)];
  expect(limits.length).toBeGreaterThan(0);
  return limits.at(-1)![1]!;
}

describe('heap tuning', () => {
  it('lets the old generation grow to 2× its live size between full collections', () => {
    expect(appliedFactor([])).toBe('2.0');
  });

  it("keeps an operator's own --heap-growing-percent", () => {
    expect(appliedFactor(['--heap-growing-percent=200'])).toBe('3.0');
    expect(appliedFactor(['--heap_growing_percent=120'])).toBe('2.2');
  });
});
