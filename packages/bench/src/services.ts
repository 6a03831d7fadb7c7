import pg from 'pg';
import { startPostgres, startRedis } from '@parley/devtools';
import { onExitCleanup, processTree } from './proc.js';

/**
 * PostgreSQL and Redis for the scale-out backends (@parley/devtools, as the tests use them) but
 * with PostgreSQL's durability left at its defaults (fsync and synchronous_commit on): an ack
 * must mean a flushed WAL here, as it does in production.
 */
export interface Services {
  pgAdminUrl: string;
  redisUrl: string;
  /** PostgreSQL's processes (postmaster and backends) and Redis, for their CPU time. */
  pids(): number[];
  /** A fresh database on the cluster, for one target of one scenario. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startServices(): Promise<Services> {
  // Three nodes x 10 pooled connections, plus the bench's own; buffers sized for a 1M-row history.
  const [postgres, redis] = await Promise.all([startPostgres(['max_connections=200', 'shared_buffers=512MB']), startRedis()]);
  // pg_ctl daemonizes the postmaster, so Ctrl-C would not reach it (nor Redis): stopped on any exit.
  const forget = onExitCleanup(() => {
    postgres.stop();
    try {
      process.kill(redis.pid(), 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return {
    pgAdminUrl: postgres.url,
    redisUrl: redis.url,
    pids: () => [...processTree(postgres.pid()), redis.pid()],
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(postgres.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      forget();
      await redis.stop();
      postgres.stop();
    },
  };
}
