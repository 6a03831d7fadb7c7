import { CompiledQuery } from 'kysely';
import type { Db } from '../Store.js';
import type { MessageRow } from '../schema.js';
import { MESSAGE_COLUMNS as COLUMNS } from '../SendPath.js';
import { PREPARE } from './PreparingClient.js';

/** Each column's type, for the array parameter that carries it. */
const TYPES: Record<(typeof COLUMNS)[number], string> = {
  id: 'text', chat_id: 'text', seq: 'bigint', sender_id: 'text', client_msg_id: 'text', type: 'text', content: 'text',
  reply_to: 'text', created_at: 'bigint', edited_at: 'bigint', deleted_at: 'bigint', media_id: 'text',
  location_lat: 'float8', location_lng: 'float8', location_name: 'text', forwarded: 'integer', change_seq: 'bigint',
};

const FIELDS = COLUMNS.map((c) => (c === 'seq' ? 'b.base + r.seq' : `r.${c}`));
const APPEND = `${PREPARE}WITH bumped AS (
    UPDATE chats c SET last_seq = c.last_seq + n.count
    FROM unnest($1::text[], $2::bigint[]) AS n(chat_id, count)
    WHERE c.id = n.chat_id
    RETURNING c.id, c.last_seq - n.count AS base
  ), inserted AS (
    INSERT INTO messages (${COLUMNS.join(', ')})
    SELECT ${FIELDS.join(', ')}
    FROM unnest(${COLUMNS.map((c, i) => `$${i + 3}::${TYPES[c]}[]`).join(', ')}) AS r(${COLUMNS.join(', ')})
    JOIN bumped b ON b.id = r.chat_id
  )
  SELECT id, base FROM bumped`;

/**
 * PostgreSQL's appendNumbered: the counter bump and the inserts in one statement, one round trip
 * whatever the batch. Counts go in sorted by chat, the order the counter rows are locked
 * in when PostgreSQL probes them one by one (as it does for a few keys on a large table).
 */
export async function insertNumbered(trx: Db, rows: MessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.chat_id, Math.max(counts.get(row.chat_id) ?? 0, row.seq));
  const chats = [...counts.keys()].sort();
  const { rows: bumped } = await trx.executeQuery(CompiledQuery.raw(APPEND, [chats, chats.map((id) => counts.get(id)), ...COLUMNS.map((c) => rows.map((row) => row[c]))]));
  const base = new Map((bumped as Array<{ id: string; base: number }>).map((b) => [b.id, b.base]));
  // Chats are never deleted, so this is a bug, not a race: fail the batch rather than number it wrong.
  if (base.size !== chats.length) throw new Error('a chat of the batch has no counter row');
  for (const row of rows) row.seq += base.get(row.chat_id)!;
}
