import type { Db } from './Store.js';
import type { MessageRow } from './schema.js';

/**
 * What the message write path (messages/appendMessages) asks of the database, as each adapter
 * does it best: SQLite in-process, a statement per kind from fixed SQL text; PostgreSQL in as few
 * round trips as it can. The checks, the dedupe rule and the numbering within a batch stay with
 * the caller. Both take the batch's query runner: its transaction, or on PostgreSQL, for a batch
 * without uploads, the pool (Store.sendTransaction says why).
 */
export interface SendPath {
  /** What checking and deduplicating a batch of sends needs to know, for every key of it. */
  lookUpSendBatch(trx: Db, keys: SendBatchKeys): Promise<SendBatchFound>;
  /**
   * Stores new rows whose `seq` is still their place among the batch's new rows in their chat
   * (1, 2, …) and bumps each chat's `last_seq` by its count, in this transaction: every row
   * leaves with its real seq, its chat's old last_seq plus its place. Atomic by itself: one
   * statement on PostgreSQL, and SQLite's runs only in a transaction.
   */
  appendNumbered(trx: Db, rows: MessageRow[]): Promise<void>;
}

export interface SendBatchKeys {
  chatIds: string[];
  /** [chatId, senderId, clientMsgId] of each send that has a clientMsgId. */
  clientMsgIds: Array<[string, string, string]>;
  /** [chatId, messageId] of each send's replyTo target. */
  replyTargets: Array<[string, string]>;
  mediaIds: string[];
}

export interface SendBatchChat {
  type: string;
  members: string[];
  /** A private chat where either side has blocked the other. */
  blocked: boolean;
  /** A private chat whose other side deleted their account: it stays readable, nothing more goes in. */
  peerDeleted: boolean;
}

export interface SendBatchMedia {
  id: string;
  uploader_id: string;
  kind: string;
  mime: string;
  width: number | null;
}

/** Only what exists: a key with nothing stored under it is just absent. */
export interface SendBatchFound {
  chats: Map<string, SendBatchChat>;
  /** Stored messages by idemKey(chat, sender, clientMsgId). */
  stored: Map<string, MessageRow>;
  /** replyKey(chat, message) of each replyTo target that exists. */
  replyTargets: Set<string>;
  media: Map<string, SendBatchMedia>;
}

export const replyKey = (chatId: string, messageId: string) => `${chatId}:${messageId}`;

export const idemKey = (chatId: string, senderId: string, clientMsgId: string) => `${chatId}\u0000${senderId}\u0000${clientMsgId}`;

/** The columns of `messages` as the adapters insert them, in one order. */
export const MESSAGE_COLUMNS = [
  'id', 'chat_id', 'seq', 'sender_id', 'client_msg_id', 'type', 'content', 'reply_to', 'created_at', 'edited_at',
  'deleted_at', 'media_id', 'location_lat', 'location_lng', 'location_name', 'forwarded', 'change_seq',
] as const satisfies ReadonlyArray<keyof MessageRow>;
