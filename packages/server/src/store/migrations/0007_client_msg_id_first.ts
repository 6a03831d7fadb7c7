import type { Kysely } from 'kysely';

/**
 * The dedupe index led by the clientMsgId instead of the chat. The SDK's clientMsgIds are UUID
 * v7, rising with time, so new keys land at the index's right edge: a page or two per commit
 * where (chat_id, sender_id, client_msg_id) took one page per chat a commit wrote to (on SQLite,
 * 5 of the 15 pages a 3-message commit over 200 chats put into the WAL). Clients with random ids
 * cost what they did before. The rule is the same: one message per (chat, sender, clientMsgId).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('messages_by_client_msg_id').on('messages').columns(['client_msg_id', 'sender_id', 'chat_id']).unique().execute();
  await db.schema.dropIndex('messages_client_msg_id').execute();
}
