import { startPostgres, startRedis } from './services.js';

/**
 * Vitest global setup: one PostgreSQL cluster and one Redis serve the whole run. The
 * multi-node tests use them on either backend; with PARLEY_TEST_BACKEND=postgres every test does.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  // Workers are forked after this runs, so they inherit these.
  process.env.PARLEY_TEST_PG_URL = postgres.url;
  process.env.PARLEY_TEST_REDIS_URL = redis.url;
  return async () => {
    await Promise.all([postgres.stop(), redis.stop()]);
  };
}
