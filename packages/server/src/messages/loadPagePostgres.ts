import { sql } from 'kysely';
import type { Context } from '../context.js';
import { notFound } from '../errors.js';
import { notAMember } from '../chats/loadChatForMember.js';
import { presentMedia } from '../media/presentMedia.js';
import type { MediaRow, MessageRow } from '../store/schema.js';
import { addReaction } from './loadMessageDetails.js';
import { idKey, presentQuote, seqKey, type MessageDetails } from './presentMessage.js';

export interface PageQuery {
  chatId: string;
  viewerId: string;
  before?: number;
  after?: number;
  /** Rows to read: the page and one more, which says whether there are more. */
  take: number;
  forward: boolean;
}

interface PageResult {
  chat_found: boolean;
  is_member: boolean;
  rows: MessageRow[];
  reactions: Array<[seq: number, userId: string, emoji: string]>;
  hides: Array<[seq: number, changeSeq: number]>;
  media: MediaRow[];
  quotes: Array<Pick<MessageRow, 'id' | 'sender_id' | 'type' | 'content' | 'deleted_at' | 'location_name'>>;
}

/**
 * A history page on PostgreSQL in one statement, so one round trip: the chat and the caller's
 * membership, the rows, and what loadMessageDetails would load for them (reactions and hides
 * over the page's seq range, media, quotes), each part as JSON. The rows are read only when
 * the caller is a member, and the same 404 and 403 as loadChatForMember's come back otherwise.
 */
export async function loadPagePostgres(ctx: Context, q: PageQuery): Promise<{ rows: MessageRow[]; details: MessageDetails }> {
  const before = q.before !== undefined ? sql`AND seq < ${q.before}` : sql``;
  const after = q.after !== undefined ? sql`AND seq > ${q.after}` : sql``;
  const order = q.forward ? sql`ASC` : sql`DESC`;
  const { rows: [found] } = await sql<PageResult>`
    WITH member AS (
      SELECT m.user_id FROM chats c LEFT JOIN chat_members m ON m.chat_id = c.id AND m.user_id = ${q.viewerId}
      WHERE c.id = ${q.chatId}
    ), page AS (
      SELECT * FROM messages
      WHERE chat_id = ${q.chatId} ${before} ${after} AND EXISTS (SELECT 1 FROM member WHERE user_id IS NOT NULL)
      ORDER BY seq ${order} LIMIT ${q.take}
    ), live AS (
      SELECT seq, media_id, reply_to FROM page WHERE deleted_at IS NULL
    )
    SELECT
      EXISTS (SELECT 1 FROM member) AS chat_found,
      EXISTS (SELECT 1 FROM member WHERE user_id IS NOT NULL) AS is_member,
      (SELECT coalesce(json_agg(page ORDER BY seq ${order}), '[]') FROM page) AS rows,
      (SELECT coalesce(json_agg(json_build_array(r.seq, r.user_id, r.emoji) ORDER BY r.created_at, r.user_id), '[]')
        FROM message_reactions r
        WHERE r.chat_id = ${q.chatId} AND r.seq BETWEEN (SELECT min(seq) FROM live) AND (SELECT max(seq) FROM live)) AS reactions,
      (SELECT coalesce(json_agg(json_build_array(h.seq, h.change_seq)), '[]')
        FROM message_hides h
        WHERE h.chat_id = ${q.chatId} AND h.user_id = ${q.viewerId}
          AND h.seq BETWEEN (SELECT min(seq) FROM page) AND (SELECT max(seq) FROM page)) AS hides,
      (SELECT coalesce(json_agg(md), '[]') FROM media md WHERE md.id IN (SELECT media_id FROM live)) AS media,
      (SELECT coalesce(json_agg(quoted), '[]') FROM (
        SELECT id, sender_id, type, content, deleted_at, location_name FROM messages
        WHERE chat_id = ${q.chatId} AND id IN (SELECT reply_to FROM live)) quoted) AS quotes
  `.execute(ctx.store.db);
  if (!found?.chat_found) throw notFound('chat');
  if (!found.is_member) throw notAMember();
  const details: MessageDetails = { media: new Map(), quotes: new Map(), reactions: new Map(), hidden: new Map() };
  for (const [seq, userId, emoji] of found.reactions) addReaction(details, q.chatId, seq, userId, emoji);
  for (const [seq, changeSeq] of found.hides) details.hidden.set(seqKey(q.chatId, seq), changeSeq);
  const now = Date.now();
  for (const media of found.media) details.media.set(media.id, presentMedia(ctx.mediaUrls, media, now));
  for (const quote of found.quotes) details.quotes.set(idKey(q.chatId, quote.id), presentQuote(quote));
  return { rows: found.rows, details };
}
