import type { MessageInput } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { AppError } from '../errors.js';
import { loadMessageForMember } from './changeMessage.js';
import type { MessageWriter, SendResult } from './MessageWriter.js';

/**
 * Forwarding copies a message the caller can see into another chat they are in, through the
 * ordinary write path (membership, blocks, idempotency by clientMsgId). Media is shared, not
 * copied: the new message references the same upload, which the writer allows for a forward.
 */
export async function forwardMessage(ctx: Context, writer: MessageWriter, caller: Caller, chatId: string, messageId: string, toChatId: string, clientMsgId?: string): Promise<SendResult> {
  const { row } = await loadMessageForMember(ctx.store.db, chatId, messageId, caller.userId);
  if (row.deleted_at) throw new AppError('conflict', 'this message was deleted');
  const input: MessageInput = { type: row.type as MessageInput['type'], content: row.content };
  if (row.media_id) input.media = { id: row.media_id };
  if (row.location_lat !== null && row.location_lng !== null) {
    input.location = { lat: Number(row.location_lat), lng: Number(row.location_lng) };
    if (row.location_name) input.location.name = row.location_name;
  }
  return writer.send({ caller, chatId: toChatId, clientMsgId, input, forwarded: true, mediaGrant: row.media_id ?? undefined });
}
