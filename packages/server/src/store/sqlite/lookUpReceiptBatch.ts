import type { Db } from '../Store.js';
import { pairKey, type Cursor, type ReceiptBatchFound, type ReceiptPair } from '../ReceiptPath.js';
import { CHUNK, pairIn } from './receiptChunks.js';

/** Two statements a chunk, in the caller's transaction; a statement costs no round trip here. */
export async function lookUpReceiptBatch(db: Db, chatIds: string[], pairs: ReceiptPair[]): Promise<ReceiptBatchFound> {
  const found: ReceiptBatchFound = { chats: new Map(), cursors: new Map() };
  for (let i = 0; i < chatIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('chats')
      .leftJoin('chat_members', 'chat_members.chat_id', 'chats.id')
      .select((eb) => ['chats.id', 'chats.last_seq', eb.fn.count<number>('chat_members.user_id').as('members')])
      .where('chats.id', 'in', chatIds.slice(i, i + CHUNK))
      .groupBy(['chats.id', 'chats.last_seq'])
      .execute();
    for (const r of rows) found.chats.set(r.id, { lastSeq: Number(r.last_seq), memberCount: Number(r.members) });
  }
  found.cursors = await readCursors(db, pairs);
  return found;
}

/** The stored cursors of each pair that is a member, by pairKey. */
export async function readCursors(db: Db, pairs: ReceiptPair[]): Promise<Map<string, Cursor>> {
  const cursors = new Map<string, Cursor>();
  for (let i = 0; i < pairs.length; i += CHUNK) {
    const rows = await db
      .selectFrom('chat_members')
      .select(['chat_id', 'user_id', 'last_delivered_seq', 'last_read_seq'])
      .where(pairIn(pairs.slice(i, i + CHUNK), 'chat_members'))
      .execute();
    for (const r of rows) cursors.set(pairKey(r.chat_id, r.user_id), { delivered: Number(r.last_delivered_seq), read: Number(r.last_read_seq) });
  }
  return cursors;
}
