import { sql } from 'kysely';
import type { Db } from '../Store.js';
import type { MessageRow } from '../schema.js';
import { PREPARE } from './PreparingClient.js';
import { idemKey, replyKey, type SendBatchChat, type SendBatchFound, type SendBatchKeys, type SendBatchMedia } from '../SendPath.js';

interface Found {
  chats: Array<SendBatchChat & { id: string }> | null;
  stored: MessageRow[] | null;
  replies: Array<[string, string]> | null;
  media: SendBatchMedia[] | null;
}

const column = <T>(keys: T[][], i: number) => keys.map((k) => k[i]);

/**
 * All of a batch's lookups in one statement (one round trip instead of five), each part a JSON
 * array built by a subquery. Keys travel as arrays (a parameter per column, whatever the batch).
 * Lookups by whole keys are a LATERAL subquery per key with LIMIT 1, which PostgreSQL cannot flatten
 * into a join: a join lets the planner pick a hash join over a sequential scan of `messages`
 * (it did, for a few hundred keys and some 40,000 rows: 23 ms) instead of one index probe per key.
 *
 * The uploads a batch sends are locked FOR KEY SHARE until its commit (such a batch runs in a
 * transaction: Store.sendTransaction): the media sweep deletes an upload only once no message
 * holds it, and without the lock it could delete one this batch is about to store a message with
 * (removeUnreferencedUploads says how it waits).
 */
export async function lookUpSendBatch(trx: Db, keys: SendBatchKeys): Promise<SendBatchFound> {
  const { chatIds, clientMsgIds: deduped, replyTargets: replies, mediaIds } = keys;
  // A part no send needs is left out: parsing and planning it would cost even with no keys.
  const { rows } = await sql<Found>`${sql.raw(PREPARE)}SELECT
    (SELECT json_agg(json_build_object('id', c.id, 'type', c.type, 'members', c.members,
        'blocked', CASE WHEN c.type = 'private' THEN EXISTS (SELECT 1 FROM contacts x
          WHERE x.owner_id = ANY(c.members) AND x.contact_id = ANY(c.members) AND x.owner_id <> x.contact_id AND x.status = 'blocked') ELSE false END,
        'peerDeleted', c.type = 'private' AND EXISTS (SELECT 1 FROM users u WHERE u.id = ANY(c.members) AND u.deleted_at IS NOT NULL)))
      FROM (SELECT c.id, c.type, ARRAY(SELECT m.user_id FROM chat_members m WHERE m.chat_id = c.id) AS members
        FROM chats c WHERE c.id = ANY(${chatIds}::text[])) c) AS chats,
    ${deduped.length === 0 ? sql`NULL` : sql`(SELECT json_agg(m)
      FROM unnest(${column(deduped, 0)}::text[], ${column(deduped, 1)}::text[], ${column(deduped, 2)}::text[]) AS k(chat_id, sender_id, client_msg_id)
      CROSS JOIN LATERAL (SELECT * FROM messages m
        WHERE m.chat_id = k.chat_id AND m.sender_id = k.sender_id AND m.client_msg_id = k.client_msg_id LIMIT 1) m)`} AS stored,
    ${replies.length === 0 ? sql`NULL` : sql`(SELECT json_agg(json_build_array(m.chat_id, m.id))
      FROM unnest(${column(replies, 0)}::text[], ${column(replies, 1)}::text[]) AS k(chat_id, id)
      CROSS JOIN LATERAL (SELECT chat_id, id FROM messages m WHERE m.chat_id = k.chat_id AND m.id = k.id LIMIT 1) m)`} AS replies,
    ${mediaIds.length === 0 ? sql`NULL` : sql`(SELECT json_agg(u) FROM (SELECT id, uploader_id, kind, mime, width FROM media
      WHERE id = ANY(${mediaIds}::text[]) FOR KEY SHARE) u)`} AS media`.execute(trx);
  const found = rows[0]!;
  return {
    chats: new Map((found.chats ?? []).map(({ id, ...chat }) => [id, chat])),
    stored: new Map((found.stored ?? []).map((row) => [idemKey(row.chat_id, row.sender_id, row.client_msg_id!), row])),
    replyTargets: new Set((found.replies ?? []).map(([chatId, id]) => replyKey(chatId, id))),
    media: new Map((found.media ?? []).map((m) => [m.id, m])),
  };
}
