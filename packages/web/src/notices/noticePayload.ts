import type { Chat, Message } from '@parley/client';
import { pushPreview, type MessagePushPayload } from '@parley/protocol';
import { memberName } from '../ui/chatTitle.js';

/** What a push for these messages would carry, so the service worker words the notice as it words pushes. */
export function noticePayload(chat: Chat, newest: Message, count: number, previews: boolean): MessagePushPayload {
  const payload: MessagePushPayload = {
    type: 'message',
    chatId: chat.id,
    chatType: chat.type,
    messageId: newest.id,
    seq: newest.seq,
    sender: { id: newest.senderId, displayName: memberName(chat, newest.senderId) },
    count,
  };
  if (chat.name !== undefined) payload.chatName = chat.name;
  if (previews) payload.preview = pushPreview({ type: newest.type, content: newest.content, locationName: newest.location?.name });
  return payload;
}
