import { CompiledQuery, type Compilable } from 'kysely';
import type { Db } from '../store/Store.js';

/**
 * Runs a built query keeping only its SQL text and parameters for the round trip. Run as
 * built, the query's tree of nodes stays reachable until the rows arrive; with many clients
 * connecting at once that is long enough for V8 to move it to the old space, where it stays
 * resident as garbage until the next full collection.
 */
export function leanRows<R>(db: Db, query: Compilable<R>): Promise<R[]> {
  const { sql, parameters } = query.compile();
  return db.executeQuery(CompiledQuery.raw(sql, [...parameters]) as CompiledQuery<R>).then((result) => result.rows);
}
