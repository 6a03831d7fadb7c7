import type { Chat, ChatMember } from '@parley/protocol';
import { iso } from '../accounts/presentUser.js';
import { presentMessage } from '../messages/presentMessage.js';
import type { Db } from '../store/Store.js';
import type { ChatRow, MessageRow } from '../store/schema.js';

/** Everything needed to present a chat to any of its members. */
export interface ChatView {
  chat: ChatRow;
  members: ChatMember[];
  lastMessage?: MessageRow;
  /** Per member: messages from others past their read mark. */
  unread: Map<string, number>;
}

/** Loads many chats in four queries, whatever their number or size; unread counts for `forUserId` only, or every member. */
export async function loadChatViews(db: Db, chatIds: string[], forUserId?: string): Promise<ChatView[]> {
  if (chatIds.length === 0) return [];
  const chats = await db.selectFrom('chats').selectAll().where('id', 'in', chatIds).execute();
  const members = await db
    .selectFrom('chat_members')
    .innerJoin('users', 'users.id', 'chat_members.user_id')
    .select(['chat_id', 'user_id', 'role', 'joined_at', 'users.username', 'users.display_name'])
    .where('chat_id', 'in', chatIds)
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
  const lastMessages = await db
    .selectFrom('messages')
    .innerJoin('chats', (join) => join.onRef('chats.id', '=', 'messages.chat_id').onRef('chats.last_seq', '=', 'messages.seq'))
    .selectAll('messages')
    .where('messages.chat_id', 'in', chatIds)
    .execute();

  let unreadQuery = db
    .selectFrom('chat_members as cm')
    .innerJoin('messages as m', (join) =>
      join.onRef('m.chat_id', '=', 'cm.chat_id').onRef('m.seq', '>', 'cm.last_read_seq').onRef('m.sender_id', '!=', 'cm.user_id'))
    .select((eb) => ['cm.chat_id', 'cm.user_id', eb.fn.countAll<number>().as('n')])
    .where('cm.chat_id', 'in', chatIds)
    .where('m.deleted_at', 'is', null)
    .groupBy(['cm.chat_id', 'cm.user_id']);
  if (forUserId) unreadQuery = unreadQuery.where('cm.user_id', '=', forUserId);
  const unread = await unreadQuery.execute();

  const byChat = new Map<string, ChatView>();
  for (const chat of chats) byChat.set(chat.id, { chat, members: [], unread: new Map() });
  for (const u of unread) byChat.get(u.chat_id)?.unread.set(u.user_id, Number(u.n));
  for (const m of members) {
    byChat.get(m.chat_id)?.members.push({
      userId: m.user_id,
      username: m.username,
      displayName: m.display_name,
      role: m.role,
      joinedAt: iso(m.joined_at),
    });
  }
  for (const msg of lastMessages) {
    const view = byChat.get(msg.chat_id);
    if (view) view.lastMessage = msg;
  }
  return chatIds.map((id) => byChat.get(id)).filter((v): v is ChatView => v !== undefined);
}

/** The chat as one member sees it: the unread count is theirs. */
export function presentChat(view: ChatView, userId: string): Chat {
  const lastSeq = Number(view.chat.last_seq);
  const chat: Chat = {
    id: view.chat.id,
    type: view.chat.type,
    members: view.members,
    lastSeq,
    unreadCount: view.unread.get(userId) ?? 0,
    createdAt: iso(view.chat.created_at),
  };
  if (view.chat.name !== null) chat.name = view.chat.name;
  if (view.lastMessage) chat.lastMessage = presentMessage(view.lastMessage);
  return chat;
}

/** The time a chat list sorts by: its newest message, else its creation. */
export const activityOf = (view: ChatView): number => view.lastMessage?.created_at ?? view.chat.created_at;
