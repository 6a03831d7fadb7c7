import { LIMITS, type MessageInput } from '@parley/protocol';
import { ParleyError } from './http.js';

/** Refuses at once what the server would refuse for good, so it never sits in the outbox. */
export function checkContent(input: MessageInput): void {
  const refuse = (message: string) => new ParleyError(400, 'invalid_request', message);
  // Media and locations carry their own payload; their text is an optional caption.
  if (input.type === 'text' && input.content.trim() === '') throw refuse('content: must not be blank');
  if (new TextEncoder().encode(input.content).length > LIMITS.messageTextMaxBytes) {
    throw new ParleyError(413, 'payload_too_large', `content: at most ${LIMITS.messageTextMaxBytes} bytes of UTF-8`);
  }
  if (['image', 'video', 'audio', 'file'].includes(input.type) && !input.media?.id) throw refuse(`media: a ${input.type} message needs an uploaded file`);
  if (input.type === 'location') {
    const { lat, lng } = input.location ?? {};
    if (typeof lat !== 'number' || Math.abs(lat) > 90) throw refuse('location.lat: between -90 and 90');
    if (typeof lng !== 'number' || Math.abs(lng) > 180) throw refuse('location.lng: between -180 and 180');
  }
}
