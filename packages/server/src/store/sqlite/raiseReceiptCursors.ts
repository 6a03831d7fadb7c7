import { sql } from 'kysely';
import type { Db } from '../Store.js';
import { unreadByMember } from '../../chats/unreadByMember.js';
import { pairKey, type Cursor, type CursorRaise, type RaisedCursors } from '../ReceiptPath.js';
import { readCursors } from './lookUpReceiptBatch.js';
import { CHUNK, pairIn } from './receiptChunks.js';

/**
 * In the caller's transaction, which on SQLite is the only writer: the cursors read first are
 * the ones the update moves from. Then the ranges, the members and the counts, a statement each.
 */
export async function raiseReceiptCursors(db: Db, raises: CursorRaise[], now: number): Promise<RaisedCursors> {
  const before = await readCursors(db, raises);
  const raised: RaisedCursors = { cursors: new Map(), memberIds: new Map() };
  const moving: CursorRaise[] = [];
  for (const r of raises) {
    const old = before.get(pairKey(r.chatId, r.userId));
    if (!old) continue;
    const after = { delivered: Math.max(old.delivered, r.delivered), read: Math.max(old.read, r.read) };
    raised.cursors.set(pairKey(r.chatId, r.userId), { before: old, after, unread: 0 });
    if (after.delivered > old.delivered || after.read > old.read) moving.push({ ...r, ...after });
  }
  await writeCursors(db, moving);
  const detailed = moving.filter((r) => r.detailed);
  await logRanges(db, detailed, before, now);
  raised.memberIds = await loadMemberIds(db, [...new Set(detailed.map((r) => r.chatId))]);
  for (const [key, n] of await countUnread(db, raises.filter((r) => raised.cursors.has(pairKey(r.chatId, r.userId))))) {
    raised.cursors.get(key)!.unread = n;
  }
  return raised;
}

/** An UPDATE a chunk; each cursor is raised only where it is lower, as on every adapter. */
async function writeCursors(db: Db, raises: CursorRaise[]): Promise<void> {
  for (let i = 0; i < raises.length; i += CHUNK) {
    const part = raises.slice(i, i + CHUNK);
    const raise = (column: 'last_delivered_seq' | 'last_read_seq', value: (r: CursorRaise) => number) =>
      sql<number>`CASE ${sql.join(
        part.map((r) => sql`WHEN chat_id = ${r.chatId} AND user_id = ${r.userId} AND ${sql.ref(column)} < ${value(r)} THEN CAST(${value(r)} AS BIGINT)`),
        sql` `,
      )} ELSE ${sql.ref(column)} END`;
    await db
      .updateTable('chat_members')
      .set({ last_delivered_seq: raise('last_delivered_seq', (r) => r.delivered), last_read_seq: raise('last_read_seq', (r) => r.read) })
      .where(pairIn(part, 'chat_members'))
      .execute();
  }
}

/** The ranges each cursor just moved over, with the time; read moves delivered too, so both are logged. */
async function logRanges(db: Db, raises: CursorRaise[], before: Map<string, Cursor>, now: number): Promise<void> {
  const rows = raises.flatMap((r) => {
    const old = before.get(pairKey(r.chatId, r.userId))!;
    const ranges = [];
    if (r.delivered > old.delivered) ranges.push({ kind: 'delivered' as const, from_seq: old.delivered + 1, to_seq: r.delivered });
    if (r.read > old.read) ranges.push({ kind: 'read' as const, from_seq: old.read + 1, to_seq: r.read });
    return ranges.map((range) => ({ chat_id: r.chatId, user_id: r.userId, ...range, at: now }));
  });
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db.insertInto('receipt_log').values(rows.slice(i, i + CHUNK)).execute();
  }
}

async function loadMemberIds(db: Db, chatIds: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < chatIds.length; i += CHUNK) {
    const rows = await db.selectFrom('chat_members').select(['chat_id', 'user_id']).where('chat_id', 'in', chatIds.slice(i, i + CHUNK)).execute();
    for (const r of rows) {
      const list = found.get(r.chat_id) ?? [];
      list.push(r.user_id);
      found.set(r.chat_id, list);
    }
  }
  return found;
}

/** Unread after the new cursors: this runs after the update, in the same transaction. */
async function countUnread(db: Db, raises: CursorRaise[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let i = 0; i < raises.length; i += CHUNK) {
    const rows = await unreadByMember(db).where(pairIn(raises.slice(i, i + CHUNK), 'cm')).execute();
    for (const r of rows) found.set(pairKey(r.chat_id, r.user_id), Number(r.n));
  }
  return found;
}
