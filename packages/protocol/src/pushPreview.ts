import type { MessageType } from './models.js';

/** Push services take 4 KiB of payload; a preview this long leaves room for the rest. */
export const PUSH_PREVIEW_MAX = 200;

const LABELS: Partial<Record<MessageType, string>> = {
  image: '📷 Photo',
  video: '🎥 Video',
  audio: '🎤 Voice message',
  file: '📎 File',
  location: '📍 Location',
};

/**
 * The `preview` of a message push: the text, or a label for media and locations with the caption
 * or the place's name, shortened. The web app's in-page notices use it too, so they read as pushes do.
 */
export function pushPreview(message: { type: MessageType; content: string; locationName?: string }): string {
  const label = LABELS[message.type];
  const text = message.type === 'location' ? (message.locationName ?? '') : message.content;
  const preview = label ? (text ? `${label}: ${text}` : label) : text;
  return preview.length > PUSH_PREVIEW_MAX ? `${preview.slice(0, PUSH_PREVIEW_MAX - 1)}…` : preview;
}
