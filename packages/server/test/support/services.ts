import { startPostgres as startCluster, startRedis, type LocalPostgres, type LocalRedis } from '@parley/devtools';

/**
 * Throwaway PostgreSQL and Redis for one test run (see @parley/devtools). `scripts/test.mjs`
 * makes sure the binaries are installed before vitest starts.
 */
export type Service = LocalPostgres | LocalRedis;

/**
 * Commits stay synchronous (an ack means the WAL has it, as in production, so a PostgreSQL crash
 * in outage.test.ts loses nothing acked); fsync is off because only the process crashes in
 * tests, never the machine, and it keeps the suite fast.
 */
export const startPostgres = (): Promise<LocalPostgres> => startCluster(['fsync=off', 'full_page_writes=off', 'max_connections=500']);

export { startRedis };
