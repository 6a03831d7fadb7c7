import { sql } from 'kysely';
import type { Db, Store } from '../store/Store.js';

/**
 * A lock per content (the bytes' SHA-256) that orders storing an upload's record against
 * deleting its bytes, which several uploads of the same bytes share. An upload commits its record
 * under the lock after checking there that the bytes are stored; a sweep deletes bytes only
 * under it, after checking there that no record of them is left. Without it, a re-upload that
 * found the bytes stored could commit its record just after a sweep decided to delete them.
 *
 * PostgreSQL: a transaction-scoped advisory lock, so it holds across nodes, and `fn` runs in that
 * transaction. SQLite: one process owns the file, so a queue in memory, and `fn` gets the store.
 */
export class ContentLocks {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly store: Store) {}

  run<T>(sha256: string, fn: (db: Db) => Promise<T>): Promise<T> {
    if (this.store.kind === 'postgres') {
      return this.store.transaction(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`parley:content:${sha256}`}, 0))`.execute(trx);
        return fn(trx);
      });
    }
    const result = (this.tails.get(sha256) ?? Promise.resolve()).then(() => fn(this.store.db));
    const tail = result.then(() => undefined, () => undefined);
    this.tails.set(sha256, tail);
    void tail.then(() => {
      if (this.tails.get(sha256) === tail) this.tails.delete(sha256);
    });
    return result;
  }
}
