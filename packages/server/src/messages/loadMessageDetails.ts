import type { Reaction } from '@parley/protocol';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Context } from '../context.js';
import { presentMedia } from '../media/presentMedia.js';
import type { Db } from '../store/Store.js';
import type { Database, MessageRow } from '../store/schema.js';
import { tupleIn } from '../store/tupleIn.js';
import { emptyDetails, idKey, presentQuote, seqKey, type MessageDetails } from './presentMessage.js';

const CHUNK = 500;

export interface DetailOptions {
  /** Whose hides apply ("delete for me"), to the rows and to the messages they quote; without one nothing is hidden. */
  viewerId?: string;
  /** False when the rows are known to have no reactions (a history page's rows say so): no query. */
  reactions?: boolean;
  /** False when the rows are known to have none of the viewer's hides (the same): no query. */
  hides?: boolean;
}

/**
 * Media, quotes, reactions and the viewer's hides for a page of messages: at most four queries
 * whatever the page size, each skipped when no row needs it.
 */
export async function loadMessageDetails(ctx: Context, db: Db, rows: MessageRow[], options: DetailOptions = {}): Promise<MessageDetails> {
  const live = rows.filter((r) => !r.deleted_at);
  const details = emptyDetails();
  // Independent reads, so on PostgreSQL they overlap on the pool's connections.
  await Promise.all([
    loadMedia(ctx, db, live, details),
    loadQuotes(db, live, details, options.viewerId),
    options.reactions !== false ? loadReactions(db, live, details) : undefined,
    options.viewerId && options.hides !== false ? loadHides(db, rows, options.viewerId, details) : undefined,
  ]);
  return details;
}

async function loadMedia(ctx: Context, db: Db, live: MessageRow[], details: MessageDetails): Promise<void> {
  const now = Date.now();
  const mediaIds = [...new Set(live.map((r) => r.media_id).filter((id): id is string => !!id))];
  for (const ids of chunks(mediaIds)) {
    for (const media of await db.selectFrom('media').selectAll().where('id', 'in', ids).execute()) {
      details.media.set(media.id, presentMedia(ctx.mediaUrls, media, now));
    }
  }
}

async function loadQuotes(db: Db, live: MessageRow[], details: MessageDetails, viewerId: string | undefined): Promise<void> {
  for (const part of chunks(live.filter((r) => r.reply_to))) {
    const quoted = await db
      .selectFrom('messages')
      .select(['chat_id', 'id', 'sender_id', 'type', 'content', 'deleted_at', 'location_name'])
      .select((eb) => sql<SqlBool>`${viewerId ? hiddenFrom(eb, viewerId) : sql`false`}`.as('hidden_here'))
      .where(tupleIn(['chat_id', 'id'], part.map((r) => [r.chat_id, r.reply_to!])))
      .execute();
    for (const q of quoted) details.quotes.set(idKey(q.chat_id, q.id), presentQuote(q, Boolean(q.hidden_here)));
  }
}

/** Whether `userId` deleted the `messages` row for themselves: one probe of message_hides' key. */
export function hiddenFrom(eb: ExpressionBuilder<Database, 'messages'>, userId: string) {
  return eb.exists(eb.selectFrom('message_hides as h').select('h.seq').whereRef('h.chat_id', '=', 'messages.chat_id').whereRef('h.seq', '=', 'messages.seq').where('h.user_id', '=', userId));
}

async function loadReactions(db: Db, rows: MessageRow[], details: MessageDetails): Promise<void> {
  for (const where of seqConditions(rows)) {
    const found = await db
      .selectFrom('message_reactions')
      .select(['chat_id', 'seq', 'user_id', 'emoji'])
      .where(where)
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    for (const r of found) addReaction(details, r.chat_id, Number(r.seq), r.user_id, r.emoji);
  }
}

/** One stored reaction into its message's list, grouped by emoji; fed in the order they were made. */
function addReaction(details: MessageDetails, chatId: string, seq: number, userId: string, emoji: string): void {
  const key = seqKey(chatId, seq);
  const list = details.reactions.get(key) ?? [];
  const same = list.find((x) => x.emoji === emoji);
  if (same) (same.count++, same.userIds.push(userId));
  else list.push({ emoji, count: 1, userIds: [userId] } satisfies Reaction);
  details.reactions.set(key, list);
}

async function loadHides(db: Db, rows: MessageRow[], viewerId: string, details: MessageDetails): Promise<void> {
  for (const where of seqConditions(rows)) {
    const hides = await db
      .selectFrom('message_hides')
      .select(['chat_id', 'seq', 'change_seq'])
      .where('user_id', '=', viewerId)
      .where(where)
      .execute();
    for (const h of hides) details.hidden.set(seqKey(h.chat_id, Number(h.seq)), Number(h.change_seq));
  }
}

/** The rows' seq spans as WHERE conditions on (chat_id, seq), a query each; both tables have those columns. */
function seqConditions(rows: MessageRow[]): Array<Expression<SqlBool>> {
  return seqSpans(rows).map((spans) =>
    sql<SqlBool>`(${sql.join(spans.map((s) => sql`(chat_id = ${s.chatId} AND seq BETWEEN ${s.min} AND ${s.max})`), sql` OR `)})`);
}

/**
 * The seq range each chat's rows span, so reactions and hides are read as one primary-key range
 * per chat. A range may hold seqs that are not on the page; their entries are simply unused.
 */
function seqSpans(rows: MessageRow[]): Array<Array<{ chatId: string; min: number; max: number }>> {
  const spans = new Map<string, { chatId: string; min: number; max: number }>();
  for (const r of rows) {
    const seq = Number(r.seq);
    const span = spans.get(r.chat_id);
    if (!span) spans.set(r.chat_id, { chatId: r.chat_id, min: seq, max: seq });
    else (span.min = Math.min(span.min, seq), span.max = Math.max(span.max, seq));
  }
  return chunks([...spans.values()]);
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
