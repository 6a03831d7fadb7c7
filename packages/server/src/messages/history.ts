import { LIMITS, type HistoryQuery, type Message } from '@parley/protocol';
import { invalid } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';
import { loadMessageDetails } from './loadMessageDetails.js';
import { presentMessage } from './presentMessage.js';

/**
 * A page of a chat's history, always in ascending seq. `before` pages back from a seq,
 * `after` pages forward from one (catch-up), neither gives the newest page.
 */
export async function loadHistory(ctx: Context, caller: Caller, chatId: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
  if (query.before !== undefined && query.after !== undefined && query.before <= query.after + 1) {
    throw invalid('before: must be greater than after + 1');
  }
  const db = ctx.store.db;
  const limit = query.limit ?? LIMITS.historyPageDefault;
  const forward = query.after !== undefined && query.before === undefined;
  let inRange = db.selectFrom('messages').where('chat_id', '=', chatId);
  if (query.before !== undefined) inRange = inRange.where('seq', '<', query.before);
  if (query.after !== undefined) inRange = inRange.where('seq', '>', query.after);
  // Rows only for a member. No rows is rare (an empty chat, a page past the start), so only then
  // does loadChatForMember say why: unknown chat (404), not a member (403), or nothing there.
  const member = db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).where('user_id', '=', caller.userId);
  // Each row says whether it has reactions or is hidden from the caller (an index probe each),
  // so those are read only for pages that have some: most pages are one statement, on
  // PostgreSQL one round trip to one backend.
  const rows = await inRange
    .selectAll('messages')
    .select((eb) => [
      eb.exists(eb.selectFrom('message_reactions as r').select('r.seq').whereRef('r.chat_id', '=', 'messages.chat_id').whereRef('r.seq', '=', 'messages.seq')).as('has_reactions'),
      eb.exists(eb.selectFrom('message_hides as h').select('h.seq').whereRef('h.chat_id', '=', 'messages.chat_id').whereRef('h.seq', '=', 'messages.seq').where('h.user_id', '=', caller.userId)).as('hidden_here'),
    ])
    .where((eb) => eb.exists(member))
    .orderBy('seq', forward ? 'asc' : 'desc')
    .limit(limit + 1)
    .execute();
  if (rows.length === 0) await loadChatForMember(db, chatId, caller.userId);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!forward) page.reverse();
  // Media, quotes, reactions and hides depend on the rows: a second round trip, only for pages that have them.
  const details = await loadMessageDetails(ctx, db, page, {
    reactions: page.some((r) => r.has_reactions),
    viewerId: page.some((r) => r.hidden_here) ? caller.userId : undefined,
  });
  return { messages: page.map((row) => presentMessage(row, details)), hasMore };
}
