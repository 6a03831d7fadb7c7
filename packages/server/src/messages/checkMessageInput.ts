import { LIMITS, type MessageInput } from '@parley/protocol';
import { AppError, invalid } from '../errors.js';

/** What the schema cannot say: byte length, blank text. Runs before anything is queued. */
export function checkMessageInput(input: MessageInput): void {
  if (Buffer.byteLength(input.content, 'utf8') > LIMITS.messageTextMaxBytes) {
    throw new AppError('payload_too_large', `message.content: text is limited to ${LIMITS.messageTextMaxBytes} bytes`);
  }
  if (input.content.trim() === '') throw invalid('message.content: must not be blank');
}
