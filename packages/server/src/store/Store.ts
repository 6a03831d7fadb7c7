import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * The storage port. Domain code writes portable Kysely queries against `db`; an adapter
 * (SQLite now, PostgreSQL later) owns the connection, durability settings and migrations.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** Runs `fn` in one transaction: committed (durably) when it resolves, rolled back when it throws. */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Adds messages stored since the last call to the full-text index, in one pass over them,
   * inside the caller's transaction `db`. A no-op where the database indexes on write (PostgreSQL).
   */
  indexSearch(db: Kysely<Database>): Promise<void>;
  close(): Promise<void>;
}

/** A query runner: the store's `db` or an open transaction. */
export type Db = Kysely<Database>;
