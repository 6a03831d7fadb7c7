import { AppError, notFound } from '../errors.js';
import type { Db } from '../store/Store.js';
import type { ChatRow, MemberRow } from '../store/schema.js';

/**
 * The only way to load a chat for a user: unknown is 404, not a member is 403. One query (the
 * membership left-joined), since every chat request pays for it before anything else.
 */
export async function loadChatForMember(db: Db, chatId: string, userId: string): Promise<{ chat: ChatRow; member: MemberRow }> {
  const found = await db
    .selectFrom('chats as c')
    .leftJoin('chat_members as m', (join) => join.onRef('m.chat_id', '=', 'c.id').on('m.user_id', '=', userId))
    .selectAll('c')
    .select(['m.role', 'm.joined_at', 'm.last_delivered_seq', 'm.last_read_seq', 'm.muted_until'])
    .where('c.id', '=', chatId)
    .executeTakeFirst();
  if (!found) throw notFound('chat');
  const { role, joined_at, last_delivered_seq, last_read_seq, muted_until, ...chat } = found;
  if (role === null || joined_at === null || last_delivered_seq === null || last_read_seq === null) {
    throw new AppError('forbidden', 'you are not a member of this chat');
  }
  return { chat, member: { chat_id: chatId, user_id: userId, role, joined_at, last_delivered_seq, last_read_seq, muted_until } };
}

export async function loadGroupForAdmin(db: Db, chatId: string, userId: string) {
  const loaded = await loadChatForMember(db, chatId, userId);
  if (loaded.chat.type !== 'group') throw new AppError('invalid_request', 'chatId: this is not a group chat');
  if (loaded.member.role !== 'admin') throw new AppError('forbidden', 'only group admins can do this');
  return loaded;
}
