import type { Message } from '@parley/protocol';
import { iso } from '../accounts/presentUser.js';
import type { MessageRow } from '../store/schema.js';

export function presentMessage(row: MessageRow): Message {
  const message: Message = {
    id: row.id,
    chatId: row.chat_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    type: row.type as Message['type'],
    // A message deleted for everyone stays as a tombstone: its seq keeps the order gapless.
    content: row.deleted_at ? '' : row.content,
    createdAt: iso(row.created_at),
  };
  if (row.client_msg_id) message.clientMsgId = row.client_msg_id;
  if (row.reply_to) message.replyTo = row.reply_to;
  if (row.edited_at) message.editedAt = iso(row.edited_at);
  if (row.deleted_at) message.deletedAt = iso(row.deleted_at);
  return message;
}
