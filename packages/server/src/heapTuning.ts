import v8 from 'node:v8';

/**
 * Imported first by main.ts, before the rest of the server runs. V8 "pretenures" an allocation
 * site whose objects it saw survive, allocating them straight into the old space from then on.
 * pg builds every result's `rows` array at one site, which V8 tenures early (startup queries
 * survive), so every result array of every query is born old: the rows in it, young, are then
 * kept alive by it through each scavenge until the next full collection, whether or not anyone
 * still holds them. Measured on a history page of 50 on PostgreSQL: 1.5 MB survived each
 * scavenge and each took 2.9 ms; without pretenuring 0.54 MB and 1.8 ms, with fewer full
 * collections (docs/benchmarks.md).
 */
v8.setFlagsFromString('--no-allocation-site-pretenuring');

/**
 * After each full collection V8 lets the old generation grow to its live size times a factor
 * before the next; left to itself it picks up to 4× when collections are cheap, as they are at
 * startup. Opening a connection leaves garbage behind (authentication, presence), so a node
 * taking thousands of connections grew from ~22 MB live to ~100 MB before its next collection,
 * and the pages it grew into stay resident: 3 nodes of 6,600 connections held 1.6× the memory per
 * connection of a bare `ws` server. At 2× they hold 1.1–1.2×. (1.5× held 1×, but raised the direct
 * benchmark's p99 at 8,000 messages/s in alternating runs; 2× did not: docs/benchmarks.md.)
 * V8 reads the factor at every collection, so setting it here works; an operator's own
 * `--heap-growing-percent` wins.
 */
if (!process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg))) {
  v8.setFlagsFromString('--heap-growing-percent=100');
}
