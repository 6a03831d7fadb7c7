import { LIMITS, type HistoryQuery, type Message } from '@parley/protocol';
import { invalid } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';
import { presentMessage } from './presentMessage.js';
import { loadMessageDetails } from './loadMessageDetails.js';

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
  let q = db.selectFrom('messages').selectAll().where('chat_id', '=', chatId);
  if (query.before !== undefined) q = q.where('seq', '<', query.before);
  if (query.after !== undefined) q = q.where('seq', '>', query.after);
  const forward = query.after !== undefined && query.before === undefined;
  // The page is read alongside the membership check (one round trip less on PostgreSQL); a
  // caller who is not a member gets the check's error and never sees the rows.
  const [, rows] = await Promise.all([
    loadChatForMember(db, chatId, caller.userId),
    q.orderBy('seq', forward ? 'asc' : 'desc').limit(limit + 1).execute(),
  ]);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!forward) page.reverse();
  const details = await loadMessageDetails(ctx, db, page, { viewerId: caller.userId });
  return { messages: page.map((row) => presentMessage(row, details)), hasMore };
}
