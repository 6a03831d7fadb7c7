import { sql, type RawBuilder } from 'kysely';

/**
 * `(a, b, …) IN (VALUES (…), …)`: a lookup by whole keys that both SQLite and PostgreSQL answer
 * with one index probe per key. `a IN (…) AND b IN (…)` instead matches the cross product, and
 * on an index (a, x, b) reads every row under each `a`: cost that grows with the chat's history.
 */
export function tupleIn(columns: string[], tuples: unknown[][]): RawBuilder<boolean> {
  const rows = tuples.map((t) => sql`(${sql.join(t)})`);
  return sql<boolean>`(${sql.join(columns.map((c) => sql.ref(c)))}) IN (VALUES ${sql.join(rows)})`;
}
