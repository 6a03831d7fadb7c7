import type { MessageRow } from '../store/schema.js';
import { messagePushPayload, topicOf, type PlannedPush } from './pushPayload.js';
import type { PushRecipient } from './pushRecipients.js';

/**
 * Per recipient device and chat one push for the new messages of others there: how many, the
 * newest described. Recipients who are not members of these chats get none.
 */
export function planMessagePushes(recipients: PushRecipient[], messages: MessageRow[]): PlannedPush[] {
  const byChat = new Map<string, MessageRow[]>();
  for (const m of messages) (byChat.get(m.chat_id) ?? byChat.set(m.chat_id, []).get(m.chat_id)!).push(m);
  return recipients.flatMap((recipient): PlannedPush[] => {
    const theirs = (byChat.get(recipient.chat_id) ?? []).filter((m) => m.sender_id !== recipient.user_id);
    const newest = theirs.at(-1);
    if (!newest) return [];
    return [{
      recipient,
      chatId: newest.chat_id,
      namedUserId: newest.sender_id,
      topic: topicOf(newest.chat_id, 'message'),
      payload: (chat, name) => messagePushPayload(chat, newest, name, theirs.length, recipient.previews === 1),
    }];
  });
}
