import type { Chat, ChatMember } from '@parley/protocol';
import { iso } from '../accounts/presentUser.js';
import { presentMessage, type MessageDetails } from '../messages/presentMessage.js';
import { loadMessageDetails } from '../messages/loadMessageDetails.js';
import type { Context } from '../context.js';
import { MUTED_FOREVER, type ChatRow, type MessageRow } from '../store/schema.js';
import { unreadByMember } from './unreadByMember.js';

/** Everything needed to present a chat to any of its members. */
export interface ChatView {
  chat: ChatRow;
  members: ChatMember[];
  lastMessage?: MessageRow;
  /** Its media, quote and reactions (shared by every view loaded together). */
  details?: MessageDetails;
  /** Per member: messages from others past their read mark. */
  unread: Map<string, number>;
  /** Per member who muted the chat: until when (MUTED_FOREVER for until unmuted). */
  mutedUntil: Map<string, number>;
}

/**
 * Loads many chats in four queries, whatever their number or size; unread counts for `forUserId` only, or every member.
 * Members carry their delivered/read cursors (for ticks) only in chats up to the receipts detail limit.
 */
export async function loadChatViews(ctx: Context, chatIds: string[], forUserId?: string): Promise<ChatView[]> {
  if (chatIds.length === 0) return [];
  const db = ctx.store.db;
  const chats = await db.selectFrom('chats').selectAll().where('id', 'in', chatIds).execute();
  const members = await db
    .selectFrom('chat_members')
    .innerJoin('users', 'users.id', 'chat_members.user_id')
    .select('users.deleted_at')
    .select(['chat_id', 'user_id', 'role', 'joined_at', 'last_delivered_seq', 'last_read_seq', 'muted_until', 'users.username', 'users.display_name'])
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

  let unreadQuery = unreadByMember(db).where('cm.chat_id', 'in', chatIds);
  if (forUserId) unreadQuery = unreadQuery.where('cm.user_id', '=', forUserId);
  const unread = await unreadQuery.execute();

  const byChat = new Map<string, ChatView>();
  for (const chat of chats) byChat.set(chat.id, { chat, members: [], unread: new Map(), mutedUntil: new Map() });
  for (const u of unread) byChat.get(u.chat_id)?.unread.set(u.user_id, Number(u.n));
  const size = new Map<string, number>();
  for (const m of members) size.set(m.chat_id, (size.get(m.chat_id) ?? 0) + 1);
  for (const m of members) {
    if (m.muted_until !== null) byChat.get(m.chat_id)?.mutedUntil.set(m.user_id, Number(m.muted_until));
    const member: ChatMember = {
      userId: m.user_id,
      username: m.username,
      displayName: m.display_name,
      role: m.role,
      joinedAt: iso(m.joined_at),
    };
    if (m.deleted_at !== null) member.deleted = true;
    if (size.get(m.chat_id)! <= ctx.config.receiptsDetailMax) {
      member.deliveredSeq = Number(m.last_delivered_seq);
      member.readSeq = Number(m.last_read_seq);
    }
    byChat.get(m.chat_id)?.members.push(member);
  }
  const details = await loadMessageDetails(ctx, db, lastMessages);
  for (const msg of lastMessages) {
    const view = byChat.get(msg.chat_id);
    if (view) (view.lastMessage = msg, view.details = details);
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
    muted: false,
  };
  const mutedUntil = view.mutedUntil.get(userId);
  if (mutedUntil !== undefined && mutedUntil > Date.now()) {
    chat.muted = true;
    if (mutedUntil !== MUTED_FOREVER) chat.mutedUntil = iso(mutedUntil);
  }
  if (view.chat.name !== null) chat.name = view.chat.name;
  if (view.lastMessage) chat.lastMessage = presentMessage(view.lastMessage, view.details);
  return chat;
}

/** The time a chat list sorts by: its newest message, else its creation. */
export const activityOf = (view: ChatView): number => view.lastMessage?.created_at ?? view.chat.created_at;
