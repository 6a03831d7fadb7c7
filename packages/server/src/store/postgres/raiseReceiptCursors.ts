import { sql } from 'kysely';
import type { Db } from '../Store.js';
import { pairKey, type CursorRaise, type RaisedCursors } from '../ReceiptPath.js';
import { PREPARE } from './PreparingClient.js';

interface Raised {
  cursors: Array<[chatId: string, userId: string, beforeDelivered: number, beforeRead: number, delivered: number, read: number, unread: number]> | null;
  members: Array<[chatId: string, userIds: string[]]> | null;
}

/**
 * One prepared statement, atomic without a transaction around it. `locked` takes the pairs' rows
 * in key order (two nodes raising the same members cannot deadlock on them) and, once it holds
 * them, reads their latest committed cursors: the `before` of the ranges logged, so ranges
 * logged by two nodes at once never overlap. The statement's other parts see its snapshot, not
 * its own update, so the count uses the raised read cursor where `unreadByMember` would use
 * the stored one; the definition of unread is the same.
 */
export async function raiseReceiptCursors(db: Db, raises: CursorRaise[], now: number): Promise<RaisedCursors> {
  const { rows } = await sql<Raised>`${sql.raw(PREPARE)}WITH k AS (
      SELECT * FROM unnest(${raises.map((r) => r.chatId)}::text[], ${raises.map((r) => r.userId)}::text[],
        ${raises.map((r) => r.delivered)}::bigint[], ${raises.map((r) => r.read)}::bigint[], ${raises.map((r) => r.detailed)}::boolean[])
        AS k(chat_id, user_id, delivered, read, detailed)
    ), locked AS (
      SELECT m.chat_id, m.user_id, m.last_delivered_seq AS delivered, m.last_read_seq AS read,
        GREATEST(m.last_delivered_seq, k.delivered) AS new_delivered, GREATEST(m.last_read_seq, k.read) AS new_read, k.detailed
      FROM chat_members m JOIN k ON m.chat_id = k.chat_id AND m.user_id = k.user_id
      ORDER BY m.chat_id, m.user_id FOR UPDATE OF m
    ), moved AS (
      UPDATE chat_members m SET last_delivered_seq = l.new_delivered, last_read_seq = l.new_read
      FROM locked l WHERE m.chat_id = l.chat_id AND m.user_id = l.user_id AND (l.new_delivered > l.delivered OR l.new_read > l.read)
      RETURNING m.chat_id
    ), logged AS (
      INSERT INTO receipt_log (chat_id, user_id, kind, from_seq, to_seq, at)
      SELECT l.chat_id, l.user_id, r.kind, r.from_seq, r.to_seq, ${now}::bigint
      FROM locked l CROSS JOIN LATERAL (VALUES ('delivered', l.delivered + 1, l.new_delivered), ('read', l.read + 1, l.new_read)) AS r(kind, from_seq, to_seq)
      WHERE l.detailed AND r.to_seq >= r.from_seq
    )
    SELECT
      (SELECT json_agg(json_build_array(l.chat_id, l.user_id, l.delivered, l.read, l.new_delivered, l.new_read,
          (SELECT count(*) FROM messages m WHERE m.chat_id = l.chat_id AND m.seq > l.new_read AND m.sender_id <> l.user_id AND m.deleted_at IS NULL)))
        FROM locked l) AS cursors,
      (SELECT json_agg(json_build_array(c.chat_id, ARRAY(SELECT m.user_id FROM chat_members m WHERE m.chat_id = c.chat_id)))
        FROM (SELECT DISTINCT chat_id FROM locked WHERE detailed AND (new_delivered > delivered OR new_read > read)) c) AS members`.execute(db);
  const found = rows[0]!;
  return {
    cursors: new Map(
      (found.cursors ?? []).map(([chatId, userId, beforeDelivered, beforeRead, delivered, read, unread]) => [
        pairKey(chatId, userId),
        { before: { delivered: beforeDelivered, read: beforeRead }, after: { delivered, read }, unread },
      ]),
    ),
    memberIds: new Map(found.members ?? []),
  };
}
