import type { Message } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { forbidden } from '../errors.js';
import { bumpChange, commitChange, describeChange, loadMessageForMember } from './changeMessage.js';

/**
 * Delete for everyone: the sender, or a group admin for anyone's message. The row stays as a
 * tombstone (its seq keeps the order gapless) but loses its text, media, location, reply and
 * reactions, so nothing of it is served or searchable any more. Deleting twice changes nothing.
 */
export async function deleteForEveryone(ctx: Context, caller: Caller, chatId: string, messageId: string): Promise<Message> {
  return commitChange(ctx, async (trx) => {
    const { chat, member, row } = await loadMessageForMember(trx, chatId, messageId, caller.userId);
    const isAdmin = chat.type === 'group' && member.role === 'admin';
    if (row.sender_id !== caller.userId && !isAdmin) throw forbidden('you can only delete your own messages (or any, as a group admin)');
    if (row.deleted_at) return { ...(await describeChange(ctx, trx, caller, chatId, Number(row.seq))), events: [] };
    const changeSeq = await bumpChange(trx, chatId);
    await trx
      .updateTable('messages')
      .set({ deleted_at: Date.now(), content: '', media_id: null, location_lat: null, location_lng: null, location_name: null, reply_to: null, change_seq: changeSeq })
      .where('chat_id', '=', chatId)
      .where('seq', '=', row.seq)
      .execute();
    await trx.deleteFrom('message_reactions').where('chat_id', '=', chatId).where('seq', '=', row.seq).execute();
    return describeChange(ctx, trx, caller, chatId, Number(row.seq));
  });
}

/**
 * Delete for me: hidden on all of the caller's devices (history, catch-up, search), unchanged
 * for everyone else. Only the caller's devices hear of it.
 */
export async function deleteForMe(ctx: Context, caller: Caller, chatId: string, messageId: string): Promise<Message> {
  return commitChange(ctx, async (trx) => {
    const { row } = await loadMessageForMember(trx, chatId, messageId, caller.userId);
    const seq = Number(row.seq);
    const already = await trx.selectFrom('message_hides').select('seq').where('chat_id', '=', chatId).where('seq', '=', seq).where('user_id', '=', caller.userId).executeTakeFirst();
    if (already) return { ...(await describeChange(ctx, trx, caller, chatId, seq, caller.userId)), events: [] };
    const changeSeq = await bumpChange(trx, chatId);
    await trx.insertInto('message_hides').values({ chat_id: chatId, seq, user_id: caller.userId, change_seq: changeSeq, created_at: Date.now() }).execute();
    return describeChange(ctx, trx, caller, chatId, seq, caller.userId);
  });
}
