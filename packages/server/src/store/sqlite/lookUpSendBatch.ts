import { CompiledQuery } from 'kysely';
import type { Db } from '../Store.js';
import type { MessageRow } from '../schema.js';
import { idemKey, replyKey, type SendBatchChat, type SendBatchFound, type SendBatchKeys, type SendBatchMedia } from '../SendPath.js';

// Keys travel as one JSON array parameter, so each text is the same whatever the batch and stays
// prepared in the dialect's cache; an IN list a key long made a new text (and a prepare) per size.
// Whole keys are joined from json_each, one index probe per key.
const CHATS = `SELECT c.id, c.type,
    (SELECT json_group_array(m.user_id) FROM chat_members m WHERE m.chat_id = c.id) AS members,
    c.type = 'private' AND EXISTS (SELECT 1 FROM chat_members a
      JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id <> a.user_id
      JOIN contacts x ON x.owner_id = a.user_id AND x.contact_id = b.user_id AND x.status = 'blocked'
      WHERE a.chat_id = c.id) AS blocked,
    c.type = 'private' AND EXISTS (SELECT 1 FROM chat_members d JOIN users u ON u.id = d.user_id
      WHERE d.chat_id = c.id AND u.deleted_at IS NOT NULL) AS peer_deleted
  FROM chats c WHERE c.id IN (SELECT value FROM json_each(?))`;
const STORED = `SELECT m.* FROM json_each(?) k CROSS JOIN messages m
  WHERE m.client_msg_id = k.value ->> 2 AND m.sender_id = k.value ->> 1 AND m.chat_id = k.value ->> 0`;
const REPLY_TARGETS = `SELECT m.chat_id, m.id FROM json_each(?) k CROSS JOIN messages m
  WHERE m.id = k.value ->> 1 AND m.chat_id = k.value ->> 0`;
const MEDIA = `SELECT id, uploader_id, kind, mime, width FROM media WHERE id IN (SELECT value FROM json_each(?))`;

interface ChatRow {
  id: string;
  type: string;
  members: string;
  blocked: number;
  peer_deleted: number;
}

/**
 * A batch's lookups on SQLite: a statement per kind, in-process, where a statement costs no round
 * trip. A kind no send needs runs no statement.
 */
export async function lookUpSendBatch(trx: Db, keys: SendBatchKeys): Promise<SendBatchFound> {
  const found: SendBatchFound = { chats: new Map(), stored: new Map(), replyTargets: new Set(), media: new Map() };
  for (const c of await rows<ChatRow>(trx, CHATS, keys.chatIds)) {
    const members = JSON.parse(c.members) as string[];
    // As the check has it everywhere: a private chat is blocked between its two members only.
    found.chats.set(c.id, {
      type: c.type,
      members,
      blocked: c.blocked === 1 && members.length === 2,
      peerDeleted: c.peer_deleted === 1,
    } satisfies SendBatchChat);
  }
  for (const row of await rows<MessageRow>(trx, STORED, keys.clientMsgIds)) {
    found.stored.set(idemKey(row.chat_id, row.sender_id, row.client_msg_id!), row);
  }
  for (const row of await rows<{ chat_id: string; id: string }>(trx, REPLY_TARGETS, keys.replyTargets)) {
    found.replyTargets.add(replyKey(row.chat_id, row.id));
  }
  for (const row of await rows<SendBatchMedia>(trx, MEDIA, keys.mediaIds)) found.media.set(row.id, row);
  return found;
}

async function rows<R>(trx: Db, text: string, keys: unknown[]): Promise<R[]> {
  if (keys.length === 0) return [];
  return (await trx.executeQuery(CompiledQuery.raw(text, [JSON.stringify(keys)]) as CompiledQuery<R>)).rows;
}
