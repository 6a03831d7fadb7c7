import { sql, type RawBuilder, type Updateable } from 'kysely';
import type { Db } from '../store/Store.js';
import type { MessagesTable } from '../store/schema.js';

export interface ChangedKey {
  id: string;
  chat_id: string;
  seq: number;
}

/**
 * `bumpChange` for many messages at once, in two statements whatever their number: each chat's
 * change counter goes up by its count of changed messages, and each message gets its own number
 * in that range (catch-up pages changes by change_seq, so two messages never share one).
 * `extra` is set on the same rows in the same UPDATE. Callers bound `keys` (SQLite's parameter limit).
 */
export async function markChanged(db: Db, keys: ChangedKey[], extra: Updateable<MessagesTable> = {}): Promise<void> {
  if (keys.length === 0) return;
  const byChat = new Map<string, ChangedKey[]>();
  for (const key of keys) {
    const rows = byChat.get(key.chat_id);
    if (rows) rows.push(key);
    else byChat.set(key.chat_id, [key]);
  }
  const bumped = await db
    .updateTable('chats')
    .set((eb) => ({ last_change_seq: eb('last_change_seq', '+', caseOf('id', [...byChat].map(([id, rows]) => [id, rows.length]))) }))
    .where('id', 'in', [...byChat.keys()])
    .returning(['id', 'last_change_seq'])
    .execute();
  const changeSeqs: Array<[string, number]> = [];
  for (const { id, last_change_seq } of bumped) {
    const rows = byChat.get(id)!.sort((a, b) => Number(a.seq) - Number(b.seq));
    const first = Number(last_change_seq) - rows.length + 1;
    rows.forEach((row, i) => changeSeqs.push([row.id, first + i]));
  }
  await db
    .updateTable('messages')
    .set({ ...extra, change_seq: caseOf('id', changeSeqs) })
    .where('id', 'in', keys.map((k) => k.id))
    .execute();
}

/** `CASE column WHEN key THEN n … END`, the integers cast so PostgreSQL knows their type. */
function caseOf(column: string, pairs: Array<[string, number]>): RawBuilder<number> {
  const whens = pairs.map(([key, n]) => sql`WHEN ${key} THEN CAST(${n} AS INTEGER)`);
  return sql<number>`CASE ${sql.ref(column)} ${sql.join(whens, sql` `)} END`;
}
