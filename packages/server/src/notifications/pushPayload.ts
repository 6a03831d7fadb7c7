import type { PushPayload } from '@parley/protocol';
import type { ChatRow, MessageRow } from '../store/schema.js';

/** Push services take 4 KiB of payload; a preview this long leaves room for the rest. */
const PREVIEW_MAX = 200;

const LABELS: Record<string, string> = {
  image: '📷 Photo',
  video: '🎥 Video',
  audio: '🎤 Voice message',
  file: '📎 File',
  location: '📍 Location',
};

/** The push for `count` new messages in a chat, `newest` the one described. */
export function pushPayload(
  chat: Pick<ChatRow, 'id' | 'type' | 'name'>,
  newest: MessageRow,
  senderName: string,
  count: number,
  previews: boolean,
): PushPayload {
  const payload: PushPayload = {
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

export function previewOf(message: MessageRow): string {
  const label = LABELS[message.type];
  const text = message.type === 'location' ? (message.location_name ?? '') : message.content;
  const preview = label ? (text ? `${label}: ${text}` : label) : text;
  return preview.length > PREVIEW_MAX ? `${preview.slice(0, PREVIEW_MAX - 1)}…` : preview;
}
