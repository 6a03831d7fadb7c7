import { type Kysely, sql } from 'kysely';

/**
 * Export and account deletion find a user's messages through the chats they may have sent them
 * in, read by the primary key a window of seqs at a time (messages/sentMessagePages), instead of
 * reading every message: an index led by the sender would cost the message write path about one
 * more B-tree page per message. Those chats are the user's memberships and the groups they left
 * or were removed from, which leaving deletes from chat_members, so departures are kept here from
 * now on (chats/manageGroup), and the ones before this migration are found once, from the messages
 * whose sender is no longer a member (private chats cannot be left). Reactions are not on the
 * write path: an index by user lets the same two find a user's reactions in key order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chat_departures')
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('chat_id', 'varchar(64)', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('chat_departures_pk', ['user_id', 'chat_id'])
    .execute();
  // One pass over messages, then a key probe per distinct (chat, sender) pair.
  await sql`INSERT INTO chat_departures (user_id, chat_id)
    SELECT p.sender_id, p.chat_id FROM (SELECT DISTINCT chat_id, sender_id FROM messages) p
    WHERE NOT EXISTS (SELECT 1 FROM chat_members m WHERE m.chat_id = p.chat_id AND m.user_id = p.sender_id)
      AND EXISTS (SELECT 1 FROM users u WHERE u.id = p.sender_id)
      AND EXISTS (SELECT 1 FROM chats c WHERE c.id = p.chat_id)`.execute(db);
  await db.schema.createIndex('message_reactions_user').on('message_reactions').columns(['user_id', 'chat_id', 'seq']).execute();
}
