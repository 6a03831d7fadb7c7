import { LIMITS } from '@parley/protocol';
import { ParleyError } from './http.js';

/** Refuses at once what the server would refuse for good, so it never sits in the outbox. */
export function checkContent(content: string): void {
  if (content.trim() === '') throw new ParleyError(400, 'invalid_request', 'content: must not be blank');
  if (new TextEncoder().encode(content).length > LIMITS.messageTextMaxBytes) {
    throw new ParleyError(413, 'payload_too_large', `content: at most ${LIMITS.messageTextMaxBytes} bytes of UTF-8`);
  }
}
