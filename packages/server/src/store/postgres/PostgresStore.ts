import pg from 'pg';
import type { Logger } from 'pino';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../schema.js';
import type { Store } from '../Store.js';
import { migrateToLatest } from '../migrate.js';
import { postgresReceiptPath } from './postgresReceiptPath.js';
import { postgresSendPath } from './postgresSendPath.js';
import { PreparingClient } from './PreparingClient.js';
import { isConnectionError, isTransientConflict, withRetry } from '../withRetry.js';

// int8 (bigint) and numeric counts come back as strings by default; every such value here
// (epoch ms, seqs, counts) fits a double exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * PostgreSQL for deployments with several server processes. A commit returns only after the
 * WAL is flushed (synchronous_commit on, the server default), so an acked message is durable.
 */
export interface PostgresStoreOptions {
  poolSize?: number;
  /** Off for a pooler that cannot carry named statements (PgBouncer before 1.21 in transaction mode). */
  preparedStatements?: boolean;
}

export async function openPostgresStore(databaseUrl: string, log: Logger, options: PostgresStoreOptions = {}): Promise<Store> {
  const { poolSize = 10, preparedStatements = true } = options;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, Client: preparedStatements ? PreparingClient : pg.Client });
  // An idle client losing its connection (database restart) must not crash the process;
  // the pool opens a fresh one for the next query.
  pool.on('error', (err) => log.warn({ err: err.message }, 'postgres connection lost; reconnecting on next use'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // A database still starting up (or restarting) is waited for, with a log line per try left to the caller.
  await withRetry(() => migrateToLatest(db as Kysely<unknown>), isConnectionError, 30, 200);

  // Two nodes bumping the same chats' counters can deadlock; PostgreSQL aborts one, which reruns.
  const rerunOnConflict = <T>(fn: () => Promise<T>) => withRetry(fn, isTransientConflict, 5, 5);
  const transaction: Store['transaction'] = (fn) => rerunOnConflict(() => db.transaction().execute(fn));

  return {
    kind: 'postgres',
    ...postgresSendPath,
    ...postgresReceiptPath,
    db,
    transaction,
    sendTransaction: (keys, fn) => (keys.mediaIds.length > 0 ? transaction(fn) : rerunOnConflict(() => fn(db))),
    receiptTransaction: (fn) => rerunOnConflict(() => fn(db)),
    // The GIN index over to_tsvector(content) is kept by PostgreSQL itself.
    searchCaughtUp: async () => {},
    close: () => db.destroy(),
  };
}
