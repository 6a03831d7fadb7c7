import { LIMITS, type HistoryQuery, type Message } from '@parley/protocol';
import { invalid } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';
import type { MessageRow } from '../store/schema.js';
import { presentMessage, type MessageDetails } from './presentMessage.js';
import { loadMessageDetails } from './loadMessageDetails.js';
import { loadPagePostgres, type PageQuery } from './loadPagePostgres.js';

/**
 * A page of a chat's history, always in ascending seq. `before` pages back from a seq,
 * `after` pages forward from one (catch-up), neither gives the newest page.
 */
export async function loadHistory(ctx: Context, caller: Caller, chatId: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
  if (query.before !== undefined && query.after !== undefined && query.before <= query.after + 1) {
    throw invalid('before: must be greater than after + 1');
  }
  const limit = query.limit ?? LIMITS.historyPageDefault;
  const forward = query.after !== undefined && query.before === undefined;
  const page: PageQuery = { chatId, viewerId: caller.userId, before: query.before, after: query.after, take: limit + 1, forward };
  // On PostgreSQL each statement is a round trip; on SQLite a statement is a call, and the
  // portable queries cost less there than building JSON.
  const { rows, details } = ctx.store.kind === 'postgres' ? await loadPagePostgres(ctx, page) : await loadPage(ctx, page);
  const hasMore = rows.length > limit;
  const shown = rows.slice(0, limit);
  if (!forward) shown.reverse();
  return { messages: shown.map((row) => presentMessage(row, details)), hasMore };
}

async function loadPage(ctx: Context, page: PageQuery): Promise<{ rows: MessageRow[]; details: MessageDetails }> {
  const db = ctx.store.db;
  let q = db.selectFrom('messages').selectAll().where('chat_id', '=', page.chatId);
  if (page.before !== undefined) q = q.where('seq', '<', page.before);
  if (page.after !== undefined) q = q.where('seq', '>', page.after);
  // Read alongside the membership check; a caller who is not a member gets the check's error
  // and never sees the rows.
  const [, rows] = await Promise.all([
    loadChatForMember(db, page.chatId, page.viewerId),
    q.orderBy('seq', page.forward ? 'asc' : 'desc').limit(page.take).execute(),
  ]);
  // Not for the extra row, which is not shown: its media or quote would be a query for nothing.
  const details = await loadMessageDetails(ctx, db, rows.slice(0, page.take - 1), { viewerId: page.viewerId });
  return { rows, details };
}
