import type { Message } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { checkPrivateChatOpen } from '../contacts/blocks.js';
import { AppError, forbidden, invalid } from '../errors.js';
import { checkTextSize } from './checkMessageInput.js';
import { bumpChange, commitChange, describeChange, loadMessageForMember } from './changeMessage.js';

/** Only the sender, only text, not after deletion nor a block; every member's devices get `message.updated`. */
export async function editMessage(ctx: Context, caller: Caller, chatId: string, messageId: string, content: string): Promise<Message> {
  checkTextSize(content, 'content');
  if (content.trim() === '') throw invalid('content: must not be blank');
  return commitChange(ctx, async (trx) => {
    const { chat, row } = await loadMessageForMember(trx, chatId, messageId, caller.userId);
    if (row.sender_id !== caller.userId) throw forbidden('you can only edit your own messages');
    if (row.deleted_at) throw new AppError('conflict', 'this message was deleted');
    if (row.type !== 'text') throw invalid('messageId: only text messages can be edited');
    // New words in an old message are a message: refused after a block, as sending is.
    await checkPrivateChatOpen(trx, chat, caller.userId);
    const changeSeq = await bumpChange(trx, chatId);
    await trx
      .updateTable('messages')
      .set({ content, edited_at: Date.now(), change_seq: changeSeq })
      .where('chat_id', '=', chatId)
      .where('seq', '=', row.seq)
      .execute();
    return describeChange(ctx, trx, caller, chatId, Number(row.seq));
  });
}
