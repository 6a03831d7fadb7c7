import type { Chat, ChatMember } from '@parley/client';

/** The other person of a private chat (a chat with oneself has none). */
export function peerOf(chat: Chat, me: string): ChatMember | undefined {
  return chat.type === 'private' ? chat.members.find((m) => m.userId !== me) : undefined;
}

export function chatTitle(chat: Chat, me: string): string {
  if (chat.type === 'group') return chat.name ?? 'Group';
  return peerOf(chat, me)?.displayName ?? 'Saved messages';
}

export function memberName(chat: Chat | undefined, userId: string): string {
  return chat?.members.find((m) => m.userId === userId)?.displayName ?? 'Someone';
}

/** "Ann is typing…", "Ann and Bo are typing…", "3 people are typing…". */
export function typingText(chat: Chat, userIds: readonly string[]): string | undefined {
  if (userIds.length === 0) return undefined;
  if (chat.type === 'private') return 'typing…';
  const names = userIds.map((id) => memberName(chat, id).split(' ')[0]);
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}
