import type { Chat } from '@parley/protocol';
import { invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Caller, Context } from '../context.js';
import { checkNotBlocked } from '../contacts/blocks.js';
import { loadChatViews, presentChat } from './chatViews.js';
import { publishChatChange } from './publishChats.js';

/** One private chat per pair: the pair key's unique index makes concurrent opens converge. */
export async function createPrivateChat(ctx: Context, caller: Caller, userId: string): Promise<{ chat: Chat; created: boolean }> {
  if (userId === caller.userId) throw invalid('userId: cannot open a private chat with yourself');
  const pairKey = [caller.userId, userId].sort().join(':');
  const { chatId, created } = await ctx.store.transaction(async (trx) => {
    const other = await trx.selectFrom('users').select(['id', 'deleted_at']).where('id', '=', userId).executeTakeFirst();
    if (!other) throw notFound('user');
    await checkNotBlocked(trx, caller.userId, userId);
    const now = Date.now();
    const inserted = await trx
      .insertInto('chats')
      .values({ id: newId(), type: 'private', name: null, pair_key: pairKey, last_seq: 0, created_by: caller.userId, created_at: now })
      .onConflict((oc) => oc.column('pair_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx.selectFrom('chats').select('id').where('pair_key', '=', pairKey).executeTakeFirstOrThrow();
      return { chatId: existing.id, created: false };
    }
    // The chat with a deleted account stays readable for the other side, but no new one starts (rolled back).
    if (other.deleted_at !== null) throw notFound('user');
    await trx
      .insertInto('chat_members')
      .values([caller.userId, userId].map((id) => ({ chat_id: inserted.id, user_id: id, role: 'member' as const, joined_at: now, last_delivered_seq: 0, last_read_seq: 0 })))
      .execute();
    return { chatId: inserted.id, created: true };
  });
  if (created) await publishChatChange(ctx, chatId);
  const [view] = await loadChatViews(ctx, [chatId], caller.userId);
  return { chat: presentChat(view!, caller.userId), created };
}
