import { LIMITS, type HistoryQuery, type Message } from '@parley/protocol';
import { invalid, notFound } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';
import type { Db } from '../store/Store.js';
import { hiddenFrom, loadMessageDetails } from './loadMessageDetails.js';
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
  let inRange = selectForMember(db, chatId, caller.userId);
  if (query.before !== undefined) inRange = inRange.where('seq', '<', query.before);
  if (query.after !== undefined) inRange = inRange.where('seq', '>', query.after);
  const rows = await inRange.orderBy('seq', forward ? 'asc' : 'desc').limit(limit + 1).execute();
  if (rows.length === 0) await loadChatForMember(db, chatId, caller.userId);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!forward) page.reverse();
  return { messages: await presentForMember(ctx, db, page, caller.userId), hasMore };
}

/**
 * One message by id, exactly as a history page shows it to the caller (a message they hid
 * comes in its hidden form, as in history). Unknown chat 404, not a member 403, as history;
 * no such message in this chat 404.
 */
export async function loadMessage(ctx: Context, caller: Caller, chatId: string, messageId: string): Promise<Message> {
  const db = ctx.store.db;
  const row = await selectForMember(db, chatId, caller.userId).where('id', '=', messageId).executeTakeFirst();
  if (!row) {
    await loadChatForMember(db, chatId, caller.userId);
    throw notFound('message');
  }
  const [message] = await presentForMember(ctx, db, [row], caller.userId);
  return message!;
}

/**
 * A chat's rows, only for a member. No rows is rare (an empty chat, a page past the start, an
 * unknown id), so only then do callers ask loadChatForMember why: unknown chat (404), not a
 * member (403), or nothing there. Each row says whether it has reactions or is hidden from the
 * caller (an index probe each), so those are read only for rows that have some: most reads are
 * one statement, on PostgreSQL one round trip to one backend.
 */
function selectForMember(db: Db, chatId: string, userId: string) {
  const member = db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).where('user_id', '=', userId);
  return db
    .selectFrom('messages')
    .where('chat_id', '=', chatId)
    .selectAll('messages')
    .select((eb) => [
      eb.exists(eb.selectFrom('message_reactions as r').select('r.seq').whereRef('r.chat_id', '=', 'messages.chat_id').whereRef('r.seq', '=', 'messages.seq')).as('has_reactions'),
      hiddenFrom(eb, userId).as('hidden_here'),
    ])
    .where((eb) => eb.exists(member));
}

type VisibleRow = Awaited<ReturnType<ReturnType<typeof selectForMember>['execute']>>[number];

/** Media, quotes, reactions and hides depend on the rows: a second round trip, only for rows that have them. */
async function presentForMember(ctx: Context, db: Db, rows: VisibleRow[], userId: string): Promise<Message[]> {
  const details = await loadMessageDetails(ctx, db, rows, {
    reactions: rows.some((r) => r.has_reactions),
    viewerId: userId,
    hides: rows.some((r) => r.hidden_here),
  });
  return rows.map((row) => presentMessage(row, details));
}
