import { LIMITS, type Message } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { checkPrivateChatOpen } from '../contacts/blocks.js';
import { AppError, invalid } from '../errors.js';
import type { StoredReaction } from '../notifications/reactionPushes.js';
import { bumpChange, commitChange, describeChange, loadMessageForMember } from './changeMessage.js';

/** One emoji: pictographs with their modifiers, joiners, variation selectors, keycaps and flags. */
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Emoji_Presentation}|\u20E3|\uFE0F|\u200D)+$/u;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function checkEmoji(emoji: string): void {
  const single = [...graphemes.segment(emoji)].length === 1;
  if (!single || Buffer.byteLength(emoji, 'utf8') > LIMITS.reactionMaxBytes || !EMOJI.test(emoji) || /^[\d#*]$/.test(emoji)) {
    throw invalid('emoji: must be a single emoji');
  }
}

/**
 * Each user has at most one reaction per message: a new emoji replaces theirs, the same one
 * again takes it off (toggle); `emoji` undefined takes it off. Every member's devices get
 * `message.updated` with the new counts; the author, when offline, a push for one set by someone else.
 */
export async function reactToMessage(ctx: Context, caller: Caller, chatId: string, messageId: string, emoji: string | undefined): Promise<Message> {
  if (emoji !== undefined) checkEmoji(emoji);
  return commitChange(ctx, async (trx) => {
    const { chat, row } = await loadMessageForMember(trx, chatId, messageId, caller.userId);
    const seq = Number(row.seq);
    if (row.deleted_at) throw new AppError('conflict', 'this message was deleted');
    const mine = trx.deleteFrom('message_reactions').where('chat_id', '=', chatId).where('seq', '=', seq).where('user_id', '=', caller.userId);
    const current = await trx.selectFrom('message_reactions').select('emoji').where('chat_id', '=', chatId).where('seq', '=', seq).where('user_id', '=', caller.userId).executeTakeFirst();
    if (emoji === undefined && !current) return { ...(await describeChange(ctx, trx, caller, chatId, seq)), events: [] };
    const removing = emoji === undefined || current?.emoji === emoji;
    if (removing) await mine.execute();
    else {
      // Taking one's reaction off stays possible after a block; setting one is saying something.
      await checkPrivateChatOpen(trx, chat, caller.userId);
      await trx
        .insertInto('message_reactions')
        .values({ chat_id: chatId, seq, user_id: caller.userId, emoji, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['chat_id', 'seq', 'user_id']).doUpdateSet({ emoji, created_at: Date.now() }))
        .execute();
    }
    const changeSeq = await bumpChange(trx, chatId);
    await trx.updateTable('messages').set({ change_seq: changeSeq }).where('chat_id', '=', chatId).where('seq', '=', seq).execute();
    const change = await describeChange(ctx, trx, caller, chatId, seq);
    if (removing) return change;
    const reaction: StoredReaction = { chatId, reactorId: caller.userId, emoji, message: row };
    // The author may hear of it by Web Push, decided off the commit path (docs/notifications.md).
    return { ...change, afterward: () => ctx.push.reactionsStored([reaction]) };
  });
}
