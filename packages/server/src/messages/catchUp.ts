import { LIMITS, type SyncedChat } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { presentMessage } from './presentMessage.js';

/**
 * Everything a device missed: for each chat the user is in whose newest seq is past the
 * device's cursor, the messages after the cursor, oldest first, at most `limit` per chat.
 * The gateway subscribes the connection before this runs, so anything committed later
 * arrives live; the client drops the overlap by seq.
 */
export async function catchUp(ctx: Context, caller: Caller, cursors: Record<string, number>, limit: number = LIMITS.syncPageMax): Promise<SyncedChat[]> {
  const db = ctx.store.db;
  const chats = await db
    .selectFrom('chat_members')
    .innerJoin('chats', 'chats.id', 'chat_members.chat_id')
    .select(['chats.id', 'chats.last_seq'])
    .where('chat_members.user_id', '=', caller.userId)
    .execute();
  const behind = chats.filter((c) => Number(c.last_seq) > (cursors[c.id] ?? 0));
  return Promise.all(
    behind.map(async (chat) => {
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('chat_id', '=', chat.id)
        .where('seq', '>', cursors[chat.id] ?? 0)
        .orderBy('seq')
        .limit(limit + 1)
        .execute();
      return { chatId: chat.id, messages: rows.slice(0, limit).map(presentMessage), hasMore: rows.length > limit };
    }),
  );
}
