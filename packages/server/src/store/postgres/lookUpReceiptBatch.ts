import { sql } from 'kysely';
import type { Db } from '../Store.js';
import { pairKey, type ReceiptBatchFound, type ReceiptPair } from '../ReceiptPath.js';
import { PREPARE } from './PreparingClient.js';

interface Found {
  chats: Array<[id: string, lastSeq: number, members: number]> | null;
  cursors: Array<[chatId: string, userId: string, delivered: number, read: number]> | null;
}

/** Both lookups in one prepared statement, the keys as arrays: one round trip whatever the batch. */
export async function lookUpReceiptBatch(db: Db, chatIds: string[], pairs: ReceiptPair[]): Promise<ReceiptBatchFound> {
  const { rows } = await sql<Found>`${sql.raw(PREPARE)}SELECT
    (SELECT json_agg(json_build_array(c.id, c.last_seq, (SELECT count(*) FROM chat_members m WHERE m.chat_id = c.id)))
      FROM chats c WHERE c.id = ANY(${chatIds}::text[])) AS chats,
    (SELECT json_agg(json_build_array(m.chat_id, m.user_id, m.last_delivered_seq, m.last_read_seq))
      FROM unnest(${pairs.map((p) => p.chatId)}::text[], ${pairs.map((p) => p.userId)}::text[]) AS k(chat_id, user_id)
      JOIN chat_members m ON m.chat_id = k.chat_id AND m.user_id = k.user_id) AS cursors`.execute(db);
  const found = rows[0]!;
  return {
    chats: new Map((found.chats ?? []).map(([id, lastSeq, memberCount]) => [id, { lastSeq, memberCount }])),
    cursors: new Map((found.cursors ?? []).map(([chatId, userId, delivered, read]) => [pairKey(chatId, userId), { delivered, read }])),
  };
}
