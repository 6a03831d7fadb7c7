import type { Db } from '../store/Store.js';
import type { MessageRow } from '../store/schema.js';
import { tupleIn } from '../store/tupleIn.js';
import { findBlockedPairs } from '../contacts/blocks.js';
import type { SendRequest } from './appendMessages.js';

export interface BatchChat {
  type: string;
  members: string[];
  /** A private chat where either side has blocked the other. */
  blocked: boolean;
}

export interface BatchMedia {
  id: string;
  uploader_id: string;
  kind: string;
  mime: string;
  width: number | null;
}

/** What checking and deduplicating a batch of sends needs to know from the database. */
export interface BatchLookups {
  chats: Map<string, BatchChat>;
  /** Stored messages by idemKey(chat, sender, clientMsgId). */
  stored: Map<string, MessageRow>;
  /** `${chatId}:${messageId}` of each replyTo target that exists. */
  replyTargets: Set<string>;
  media: Map<string, BatchMedia>;
}

export const idemKey = (chatId: string, senderId: string, clientMsgId: string) => `${chatId}\u0000${senderId}\u0000${clientMsgId}`;

// Keys per lookup statement: SQLite allows 32,766 bound parameters.
const CHUNK = 500;

/**
 * Everything the batch's checks read, for every send (a send that fails one check just has its
 * other lookups ignored), in plain queries of a few hundred keys each: SQLite's way, in-process,
 * where a statement costs no round trip. PostgreSQL reads it all in one (lookUpBatchPostgres).
 */
export async function lookUpBatch(db: Db, requests: SendRequest[]): Promise<BatchLookups> {
  return {
    chats: await loadChats(db, [...new Set(requests.map((r) => r.chatId))]),
    stored: await loadStored(db, requests.filter((r) => r.clientMsgId)),
    replyTargets: await loadReplyTargets(db, requests.filter((r) => r.input.replyTo)),
    media: await loadMedia(db, [...new Set(requests.flatMap((r) => (r.input.media ? [r.input.media.id] : [])))]),
  };
}

async function loadChats(db: Db, chatIds: string[]): Promise<Map<string, BatchChat>> {
  const chats = new Map<string, BatchChat>();
  for (let i = 0; i < chatIds.length; i += CHUNK) {
    const ids = chatIds.slice(i, i + CHUNK);
    for (const c of await db.selectFrom('chats').select(['id', 'type']).where('id', 'in', ids).execute()) {
      chats.set(c.id, { type: c.type, members: [], blocked: false });
    }
    for (const m of await db.selectFrom('chat_members').select(['chat_id', 'user_id']).where('chat_id', 'in', ids).execute()) {
      chats.get(m.chat_id)?.members.push(m.user_id);
    }
  }
  const pairs = [...chats.values()].flatMap((c) => (c.type === 'private' && c.members.length === 2 ? [c.members as [string, string]] : []));
  const blocked = await findBlockedPairs(db, pairs);
  for (const c of chats.values()) c.blocked = c.type === 'private' && c.members.length === 2 && blocked.has(`${c.members[0]}:${c.members[1]}`);
  return chats;
}

async function loadStored(db: Db, requests: SendRequest[]): Promise<Map<string, MessageRow>> {
  const found = new Map<string, MessageRow>();
  for (let i = 0; i < requests.length; i += CHUNK) {
    const part = requests.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('messages')
      .selectAll()
      .where(tupleIn(['chat_id', 'sender_id', 'client_msg_id'], part.map((r) => [r.chatId, r.caller.userId, r.clientMsgId!])))
      .execute();
    for (const row of rows) found.set(idemKey(row.chat_id, row.sender_id, row.client_msg_id!), row);
  }
  return found;
}

async function loadReplyTargets(db: Db, requests: SendRequest[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < requests.length; i += CHUNK) {
    const part = requests.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('messages')
      .select(['chat_id', 'id'])
      .where(tupleIn(['chat_id', 'id'], part.map((r) => [r.chatId, r.input.replyTo!])))
      .execute();
    for (const row of rows) found.add(`${row.chat_id}:${row.id}`);
  }
  return found;
}

async function loadMedia(db: Db, mediaIds: string[]): Promise<Map<string, BatchMedia>> {
  const found = new Map<string, BatchMedia>();
  for (let i = 0; i < mediaIds.length; i += CHUNK) {
    const rows = await db.selectFrom('media').select(['id', 'uploader_id', 'kind', 'mime', 'width']).where('id', 'in', mediaIds.slice(i, i + CHUNK)).execute();
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}
