import type { Kysely } from 'kysely';

/**
 * When each member got and read each range of a chat, kept only for chats up to
 * RECEIPTS_DETAIL_MAX members (larger ones keep just the cursors in chat_members).
 * A member's ranges of one kind never overlap, because cursors only move forward.
 * No foreign keys, like `messages`: every lookup includes chat_id, so the table can be
 * partitioned by chat. Schema builder only, so it runs on SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('receipt_log')
    .addColumn('chat_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('from_seq', 'bigint', (c) => c.notNull())
    .addColumn('to_seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  // "Who read seq s of chat c": the ranges of that kind with to_seq >= s, then from_seq <= s.
  await db.schema.createIndex('receipt_log_chat_kind_to').on('receipt_log').columns(['chat_id', 'kind', 'to_seq']).execute();
}
