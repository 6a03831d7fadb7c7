import { CompiledQuery, SqliteAdapter } from 'kysely';
import type { Db } from './Store.js';
import type { MessageRow } from './schema.js';

const COLUMNS = [
  'id', 'chat_id', 'seq', 'sender_id', 'client_msg_id', 'type', 'content', 'reply_to', 'created_at', 'edited_at',
  'deleted_at', 'media_id', 'location_lat', 'location_lng', 'location_name', 'forwarded', 'change_seq',
] as const satisfies ReadonlyArray<keyof MessageRow>;

/** Each column's PostgreSQL type, for the array that carries it. */
const PG_TYPES: Record<(typeof COLUMNS)[number], string> = {
  id: 'text', chat_id: 'text', seq: 'bigint', sender_id: 'text', client_msg_id: 'text', type: 'text', content: 'text',
  reply_to: 'text', created_at: 'bigint', edited_at: 'bigint', deleted_at: 'bigint', media_id: 'text',
  location_lat: 'float8', location_lng: 'float8', location_name: 'text', forwarded: 'integer', change_seq: 'bigint',
};

const ONE_ROW = `INSERT INTO messages (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
const UNNEST = `INSERT INTO messages (${COLUMNS.join(', ')}) SELECT * FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c]}[]`).join(', ')})`;

/**
 * Stores new message rows inside the caller's transaction, the cheapest way each database takes them.
 * SQLite: one prepared single-row INSERT per message (the dialect keeps it prepared). A multi-row
 * INSERT costs three times as much there per row (measured: ~24 µs against ~8), because a statement
 * that can change many rows keeps a statement journal to undo itself on a constraint error, and
 * there is no network round trip to save. PostgreSQL: one statement whatever the batch, a column
 * per array parameter. A multi-row VALUES list with a parameter per field took ~26 ms for 500 rows
 * (8,500 parameters to bind and plan); the arrays take a few.
 */
export async function insertMessages(db: Db, rows: MessageRow[]): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const row of rows) await db.executeQuery(CompiledQuery.raw(ONE_ROW, COLUMNS.map((c) => row[c])));
    return;
  }
  if (rows.length === 0) return;
  await db.executeQuery(CompiledQuery.raw(UNNEST, COLUMNS.map((c) => rows.map((row) => row[c]))));
}
