import { LIMITS, type SyncedChat } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { presentMessage } from './presentMessage.js';

/**
 * Everything a device missed: for each chat the user is in whose newest seq is past the
 * device's cursor, the messages after the cursor, oldest first, at most `limit` per chat
 * and `LIMITS.syncTotalMax` in all (so one reply frame stays bounded); a chat cut short
 * says `hasMore` and the client asks again from its new cursor.
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
    .orderBy('chats.id')
    .execute();
  let budget: number = LIMITS.syncTotalMax;
  const result: SyncedChat[] = [];
  for (const chat of chats) {
    const cursor = cursors[chat.id] ?? 0;
    if (Number(chat.last_seq) <= cursor) continue;
    const take = Math.min(limit, budget);
    if (take === 0) {
      result.push({ chatId: chat.id, messages: [], hasMore: true });
      continue;
    }
    const rows = await db
      .selectFrom('messages')
      .selectAll()
      .where('chat_id', '=', chat.id)
      .where('seq', '>', cursor)
      .orderBy('seq')
      .limit(take)
      .execute();
    budget -= rows.length;
    result.push({ chatId: chat.id, messages: rows.map(presentMessage), hasMore: cursor + rows.length < Number(chat.last_seq) });
  }
  return result;
}
