import { sql, type RawBuilder } from 'kysely';
import { LIMITS, type SearchHit, type SearchQuery } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { invalid } from '../errors.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';
import type { MessageRow } from '../store/schema.js';
import { loadMessageDetails } from './loadMessageDetails.js';
import { presentMessage } from './presentMessage.js';

// Private-use characters mark matches in the engine's highlighted text; they become offsets.
const START = '\uE000';
const STOP = '\uE001';
const MAX_TERMS = 12;

type Found = MessageRow & { marked: string };

/**
 * Full-text search over the messages of the chats the caller is a member of now (a chat they
 * left is not searched), never deleted ones nor ones they deleted for themselves. Ranked best
 * first (bm25 on SQLite FTS5, ts_rank_cd on PostgreSQL), newest first among equals. Every word
 * must match; the last one also as a prefix, so results come while typing.
 */
export async function searchMessages(ctx: Context, caller: Caller, query: SearchQuery): Promise<{ results: SearchHit[]; nextCursor?: string }> {
  const terms = (query.q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS);
  if (terms.length === 0) throw invalid('q: needs at least one letter or digit');
  if (query.chatId) await loadChatForMember(ctx.store.db, query.chatId, caller.userId);
  const limit = query.limit ?? LIMITS.searchPageDefault;
  const offset = decodeCursor(query.cursor);
  const scope = query.chatId ? sql`AND m.chat_id = ${query.chatId}` : sql``;
  const notHidden = sql`AND NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.chat_id = m.chat_id AND h.seq = m.seq AND h.user_id = ${caller.userId})`;
  const page = sql`LIMIT ${limit + 1} OFFSET ${offset}`;
  await ctx.store.searchCaughtUp();
  const found = ctx.store.kind === 'sqlite'
    ? await sqliteSearch(ctx, ftsQuery(terms), caller.userId, scope, notHidden, page)
    : await postgresSearch(ctx, tsQuery(terms), caller.userId, scope, notHidden, page);
  const rows = found.slice(0, limit);
  const details = await loadMessageDetails(ctx, ctx.store.db, rows, { viewerId: caller.userId });
  const results = rows.map(({ marked, ...row }) => ({ message: presentMessage(row, details), highlights: highlightsOf(marked, row.content) }));
  return found.length > limit ? { results, nextCursor: encodeCursor(offset + limit) } : { results };
}

async function sqliteSearch(ctx: Context, match: string, userId: string, scope: RawBuilder<unknown>, notHidden: RawBuilder<unknown>, page: RawBuilder<unknown>): Promise<Found[]> {
  const { rows } = await sql<Found>`
    SELECT m.*, highlight(messages_fts, 0, ${START}, ${STOP}) AS marked
    FROM messages_fts
    JOIN messages m ON m.rowid = messages_fts.rowid
    JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ${userId}
    WHERE messages_fts MATCH ${match} AND m.deleted_at IS NULL ${scope} ${notHidden}
    ORDER BY bm25(messages_fts), m.created_at DESC, m.chat_id, m.seq
    ${page}`.execute(ctx.store.db);
  return rows;
}

async function postgresSearch(ctx: Context, tsquery: string, userId: string, scope: RawBuilder<unknown>, notHidden: RawBuilder<unknown>, page: RawBuilder<unknown>): Promise<Found[]> {
  // `to_tsvector('simple', m.content)` is written exactly as the GIN index (messages_search) is.
  const { rows } = await sql<Found>`
    SELECT m.*, ts_headline('simple', m.content, q.query, ${`StartSel=${START}, StopSel=${STOP}, HighlightAll=true`}) AS marked
    FROM messages m
    JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ${userId}
    CROSS JOIN (SELECT to_tsquery('simple', ${tsquery}) AS query) q
    WHERE to_tsvector('simple', m.content) @@ q.query AND m.deleted_at IS NULL ${scope} ${notHidden}
    ORDER BY ts_rank_cd(to_tsvector('simple', m.content), q.query) DESC, m.created_at DESC, m.chat_id, m.seq
    ${page}`.execute(ctx.store.db);
  return rows;
}

/** Terms are letters and digits only, so quoting them is all the escaping FTS5 needs. */
const ftsQuery = (terms: string[]): string => terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
const tsQuery = (terms: string[]): string => terms.map((t, i) => `${t}${i === terms.length - 1 ? ':*' : ''}`).join(' & ');

/** Offsets of the marked spans in the plain text; none if the text itself held a marker character. */
export function highlightsOf(marked: string, content: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  let plain = '';
  let open = -1;
  for (const ch of marked) {
    if (ch === START) open = plain.length;
    else if (ch === STOP && open >= 0) (spans.push({ start: open, end: plain.length }), (open = -1));
    else plain += ch;
  }
  return plain === content ? spans.filter((s) => s.end > s.start) : [];
}

const encodeCursor = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw invalid('cursor: not a cursor this server gave out');
  return Number(match[1]);
}
