import type { Db } from '../store/Store.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';
import { checkPrivateChatOpen } from '../contacts/blocks.js';

/**
 * The members who would see `userId` typing in the chat: unknown chat is 404, not a member 403,
 * and, as for messages, a private chat where either side blocked the other is `blocked`.
 */
export async function loadTypingRecipients(db: Db, chatId: string, userId: string): Promise<string[]> {
  const { chat } = await loadChatForMember(db, chatId, userId);
  const others = await db
    .selectFrom('chat_members')
    .select('user_id')
    .where('chat_id', '=', chatId)
    .where('user_id', '!=', userId)
    .execute();
  const recipients = others.map((m) => m.user_id);
  await checkPrivateChatOpen(db, chat, userId, recipients[0]);
  return recipients;
}
