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
