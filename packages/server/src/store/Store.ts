import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ReceiptPath } from './ReceiptPath.js';
import type { SendBatchKeys, SendPath } from './SendPath.js';

/**
 * The storage port. Domain code writes portable Kysely queries against `db`; an adapter
 * (SQLite or PostgreSQL) owns the connection, durability settings and migrations, and does the
 * write paths of messages and receipts its own way (SendPath, ReceiptPath).
 */
export interface Store extends SendPath, ReceiptPath {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** Runs `fn` in one transaction: committed (durably) when it resolves, rolled back when it throws. */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs a batch of the message write path (`fn`: its lookups of `keys`, its checks, then its one
   * append) atomically, as cheaply as the adapter can. SQLite: in `transaction`. PostgreSQL: a
   * batch that sends no uploads runs outside a transaction, a statement at a time; the append (the
   * counter bump and the inserts in one statement) is its only write and atomic alone, so the
   * batch costs two round trips instead of four. A batch with uploads runs in a transaction, so
   * that the lookup's lock on them holds until its commit (media/removeUnreferencedUploads).
   */
  sendTransaction<T>(keys: SendBatchKeys, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs a batch of receipts (`fn`: its lookup, its checks, then its one raise) atomically, as
   * cheaply as the adapter can. SQLite: in `transaction`. PostgreSQL: outside one, two round trips;
   * the raise is its only write, one statement that locks the rows it moves and reads them again,
   * so a lookup gone stale meanwhile can neither move a cursor back nor log a range twice.
   */
  receiptTransaction<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Resolves once every message committed before the call is in the full-text index. SQLite
   * indexes in the background, a batch at a time in its own transaction (SearchIndexer); search
   * awaits this first so it finds what was just sent. PostgreSQL indexes on write: resolves at once.
   */
  searchCaughtUp(): Promise<void>;
  close(): Promise<void>;
}

/** A query runner: the store's `db` or an open transaction. */
export type Db = Kysely<Database>;
