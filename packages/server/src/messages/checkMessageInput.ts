import { LIMITS, type MessageInput } from '@parley/protocol';
import { AppError, invalid } from '../errors.js';

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'file']);

/**
 * What the schema cannot say, before anything is queued: text is non-blank, every text or
 * caption fits 16 KiB of UTF-8, and each type carries exactly its own fields. Whether the
 * media exists, is the sender's and fits the type is checked in the batch (appendMessages).
 */
export function checkMessageInput(input: MessageInput): void {
  checkTextSize(input.content, 'message.content');
  if (input.type === 'text' && input.content.trim() === '') throw invalid('message.content: must not be blank');
  const wantsMedia = MEDIA_TYPES.has(input.type);
  if (wantsMedia && !input.media) throw invalid(`message.media: required for ${input.type} messages`);
  if (!wantsMedia && input.media) throw invalid(`message.media: not allowed in ${input.type} messages`);
  if (input.type === 'location' && !input.location) throw invalid('message.location: required for location messages');
  if (input.type !== 'location' && input.location) throw invalid(`message.location: not allowed in ${input.type} messages`);
}

export function checkTextSize(text: string, field: string): void {
  if (Buffer.byteLength(text, 'utf8') > LIMITS.messageTextMaxBytes) {
    throw new AppError('payload_too_large', `${field}: text is limited to ${LIMITS.messageTextMaxBytes} bytes`);
  }
}
