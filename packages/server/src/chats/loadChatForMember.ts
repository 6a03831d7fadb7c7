import { AppError, notFound } from '../errors.js';
import type { Db } from '../store/Store.js';
import type { ChatRow, MemberRow } from '../store/schema.js';

/** The only way to load a chat for a user: unknown is 404, not a member is 403. */
export async function loadChatForMember(db: Db, chatId: string, userId: string): Promise<{ chat: ChatRow; member: MemberRow }> {
  const chat = await db.selectFrom('chats').selectAll().where('id', '=', chatId).executeTakeFirst();
  if (!chat) throw notFound('chat');
  const member = await db
    .selectFrom('chat_members')
    .selectAll()
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!member) throw new AppError('forbidden', 'you are not a member of this chat');
  return { chat, member };
}

export async function loadGroupForAdmin(db: Db, chatId: string, userId: string) {
  const loaded = await loadChatForMember(db, chatId, userId);
  if (loaded.chat.type !== 'group') throw new AppError('invalid_request', 'chatId: this is not a group chat');
  if (loaded.member.role !== 'admin') throw new AppError('forbidden', 'only group admins can do this');
  return loaded;
}
