import { createHash } from 'node:crypto';
import { pushPreview, type MessagePushPayload, type MessageType, type PushPayload, type ReactionPushPayload } from '@parley/protocol';
import type { ChatRow, MessageRow } from '../store/schema.js';
import type { PushRecipient } from './pushRecipients.js';
import type { StoredReaction } from './reactionPushes.js';

export type PushChat = Pick<ChatRow, 'id' | 'type' | 'name'>;

/** A push decided on; its payload is made once the names of its chat and of the user it names are loaded. */
export interface PlannedPush {
  recipient: PushRecipient;
  chatId: string;
  /** The user the payload names: the sender, or who reacted. */
  namedUserId: string;
  topic: string;
  payload(chat: PushChat, name: string): PushPayload;
}

/** The push for `count` new messages in a chat, `newest` the one described. */
export function messagePushPayload(chat: PushChat, newest: MessageRow, senderName: string, count: number, previews: boolean): MessagePushPayload {
  const payload: MessagePushPayload = {
    type: 'message',
    chatId: chat.id,
    chatType: chat.type,
    messageId: newest.id,
    seq: Number(newest.seq),
    sender: { id: newest.sender_id, displayName: senderName },
    count,
  };
  if (chat.name !== null) payload.chatName = chat.name;
  if (previews) payload.preview = previewOf(newest);
  return payload;
}

/** The push telling a message's author of a reaction to it; the preview is of their message. */
export function reactionPushPayload(chat: PushChat, reaction: StoredReaction, reactorName: string, previews: boolean): ReactionPushPayload {
  const payload: ReactionPushPayload = {
    type: 'reaction',
    chatId: chat.id,
    chatType: chat.type,
    messageId: reaction.message.id,
    seq: Number(reaction.message.seq),
    sender: { id: reaction.reactorId, displayName: reactorName },
    emoji: reaction.emoji,
  };
  if (chat.name !== null) payload.chatName = chat.name;
  if (previews) payload.preview = previewOf(reaction.message);
  return payload;
}

/** The rule the web app's in-page notices share (protocol's pushPreview). */
export function previewOf(message: MessageRow): string {
  return pushPreview({ type: message.type as MessageType, content: message.content, locationName: message.location_name ?? undefined });
}

/**
 * Push services keep only the newest undelivered push per topic: one per chat and kind, so a
 * reaction never takes the place of waiting messages. At most 32 base64url characters.
 */
export function topicOf(chatId: string, kind: 'message' | 'reaction'): string {
  // Messages keep the topic they had before reactions were pushed: the chat's id alone.
  const key = kind === 'message' ? chatId : `${chatId}:${kind}`;
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}
