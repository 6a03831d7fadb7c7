import type { Chat } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { invalid } from '../errors.js';
import { MUTED_FOREVER } from '../store/schema.js';
import { loadChatViews, presentChat } from './chatViews.js';
import { loadChatForMember } from './loadChatForMember.js';

/**
 * Mutes the chat's pushes for the caller until `until` (an ISO time in the future), or until
 * unmuted when it is absent; `null` unmutes. Only the caller's own devices hear of it: a mute is
 * nobody else's business.
 */
export async function setChatMute(ctx: Context, caller: Caller, chatId: string, until: string | undefined | null): Promise<Chat> {
  const mutedUntil = until === null ? null : until === undefined ? MUTED_FOREVER : futureTime(until);
  await ctx.store.transaction(async (trx) => {
    await loadChatForMember(trx, chatId, caller.userId);
    await trx.updateTable('chat_members').set({ muted_until: mutedUntil })
      .where('chat_id', '=', chatId).where('user_id', '=', caller.userId).execute();
  });
  const [view] = await loadChatViews(ctx, [chatId], caller.userId);
  const chat = presentChat(view!, caller.userId);
  ctx.bus.publish([{ kind: 'frame', userIds: [caller.userId], frame: { type: 'chat', chat } }]);
  return chat;
}

function futureTime(until: string): number {
  const at = Date.parse(until);
  if (!Number.isFinite(at) || at <= Date.now()) throw invalid('until: must be a time in the future');
  if (at >= MUTED_FOREVER) throw invalid('until: too far ahead; leave it out to mute until unmuted');
  return at;
}
