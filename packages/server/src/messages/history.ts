import { LIMITS, type HistoryQuery, type Message } from '@parley/protocol';
import { invalid } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';
import { loadHides, loadMessageDetails, loadReactions, type SeqFilter } from './loadMessageDetails.js';
import { emptyDetails, presentMessage } from './presentMessage.js';

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
  // The page's seqs: the rows and the details select them again as a subquery (about fifty
  // primary-key entries), so the three statements go out at once.
  const pageOf = () => {
    let q = db.selectFrom('messages').where('chat_id', '=', chatId);
    if (query.before !== undefined) q = q.where('seq', '<', query.before);
    if (query.after !== undefined) q = q.where('seq', '>', query.after);
    return q.orderBy('seq', forward ? 'asc' : 'desc').limit(limit + 1);
  };
  // Rows only for a member. No rows is rare (an empty chat, a page past the start), so only then
  // does loadChatForMember say why: unknown chat (404), not a member (403), or nothing there.
  const member = db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).where('user_id', '=', caller.userId);
  // On PostgreSQL each statement is a round trip, and these are independent: they overlap on
  // the pool's connections, one round trip in all. The details of a page never shown are dropped.
  const details = emptyDetails();
  const pageSeqs: SeqFilter = { chatId, seqs: pageOf().select('seq') };
  const [rows] = await Promise.all([
    pageOf().selectAll().where((eb) => eb.exists(member)).execute(),
    loadReactions(db, pageSeqs, details),
    loadHides(db, pageSeqs, caller.userId, details),
  ]);
  if (rows.length === 0) await loadChatForMember(db, chatId, caller.userId);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!forward) page.reverse();
  // Media and quotes depend on the rows: a second round trip, only for pages that have them.
  await loadMessageDetails(ctx, db, page, { reactions: false, into: details });
  return { messages: page.map((row) => presentMessage(row, details)), hasMore };
}
