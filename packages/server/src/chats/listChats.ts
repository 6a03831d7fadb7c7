import type { Chat } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { activityOf, loadChatViews, presentChat } from './chatViews.js';
import { loadChatForMember } from './loadChatForMember.js';

/** The caller's chats, most recently active first. */
export async function listChats(ctx: Context, caller: Caller): Promise<Chat[]> {
  const memberships = await ctx.store.db.selectFrom('chat_members').select('chat_id').where('user_id', '=', caller.userId).execute();
  const views = await loadChatViews(ctx, memberships.map((m) => m.chat_id), caller.userId);
  views.sort((a, b) => activityOf(b) - activityOf(a));
  return views.map((v) => presentChat(v, caller.userId));
}

export async function getChat(ctx: Context, caller: Caller, chatId: string): Promise<Chat> {
  await loadChatForMember(ctx.store.db, chatId, caller.userId);
  const [view] = await loadChatViews(ctx, [chatId], caller.userId);
  return presentChat(view!, caller.userId);
}
