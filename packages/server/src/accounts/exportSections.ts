import type { ExportedChat, ExportedContact, ExportedMedia, ExportedMessage, ExportedReaction } from '@parley/protocol';
import type { Static } from '@sinclair/typebox';
import type { Db } from '../store/Store.js';
import { iso, presentUser } from './presentUser.js';
import { keysetPages } from './keysetPages.js';
import { sentMessagePages } from '../messages/sentMessagePages.js';

/**
 * The paged parts of a data export, each a stream of pages of one user's rows: only rows the user
 * owns (their contact rows, memberships, messages, reactions, uploads); other people appear by
 * id, username and display name, never by anything of theirs that is private.
 */

const isoOrNull = (ms: number | string | null): string | null => (ms === null ? null : iso(Number(ms)));

export function contactPages(db: Db, userId: string, pageSize: number): AsyncGenerator<Array<Static<typeof ExportedContact>>> {
  return mapPages(keysetPages(
    (after: string | undefined, limit) => {
      let q = db.selectFrom('contacts as c').innerJoin('users as u', 'u.id', 'c.contact_id')
        .select(['c.contact_id', 'c.status', 'c.created_at', 'u.id', 'u.username', 'u.display_name', 'u.deleted_at'])
        .where('c.owner_id', '=', userId);
      if (after !== undefined) q = q.where('c.contact_id', '>', after);
      return q.orderBy('c.contact_id').limit(limit).execute();
    },
    (row) => row.contact_id,
    pageSize,
  ), (r) => ({ user: presentUser(r), status: r.status, since: iso(Number(r.created_at)) }));
}

/** Chats the user is in, with their own membership and cursors, and who else is in each. */
export async function* chatPages(db: Db, userId: string, pageSize: number): AsyncGenerator<Array<Static<typeof ExportedChat>>> {
  const pages = keysetPages(
    (after: string | undefined, limit) => {
      let q = db.selectFrom('chat_members as m').innerJoin('chats as c', 'c.id', 'm.chat_id')
        .select(['c.id', 'c.type', 'c.name', 'm.role', 'm.joined_at', 'm.last_delivered_seq', 'm.last_read_seq', 'm.muted_until'])
        .where('m.user_id', '=', userId);
      if (after !== undefined) q = q.where('c.id', '>', after);
      return q.orderBy('c.id').limit(limit).execute();
    },
    (row) => row.id,
    // Each chat brings its members along: fewer chats a page keeps the page small.
    Math.max(1, Math.ceil(pageSize / 10)),
  );
  for await (const page of pages) {
    const members = await db.selectFrom('chat_members as m').innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.chat_id', 'u.id', 'u.username', 'u.display_name', 'u.deleted_at'])
      .where('m.chat_id', 'in', page.map((c) => c.id))
      .orderBy('m.joined_at').orderBy('u.id')
      .execute();
    yield page.map((c) => ({
      id: c.id,
      type: c.type,
      name: c.name,
      role: c.role,
      joinedAt: iso(Number(c.joined_at)),
      deliveredSeq: Number(c.last_delivered_seq),
      readSeq: Number(c.last_read_seq),
      muted: c.muted_until !== null && Number(c.muted_until) > Date.now(),
      members: members.filter((m) => m.chat_id === c.id).map(presentUser),
    }));
  }
}

/**
 * Every message the user sent, groups they left included, by (chat_id, seq): read chat by chat,
 * `window` seqs a statement, letting the server run between statements (sentMessagePages).
 */
export function messagePages(db: Db, userId: string, pageSize: number, window: number): AsyncGenerator<Array<Static<typeof ExportedMessage>>> {
  return mapPages(sentMessagePages(db, userId, { pageSize, window, yieldBetweenWindows: true }), (m) => ({
    chatId: m.chat_id,
    seq: Number(m.seq),
    id: m.id,
    type: m.type as Static<typeof ExportedMessage>['type'],
    content: m.content,
    createdAt: iso(Number(m.created_at)),
    editedAt: isoOrNull(m.edited_at),
    deletedAt: isoOrNull(m.deleted_at),
    replyTo: m.reply_to,
    mediaId: m.media_id,
    location: m.location_lat === null || m.location_lng === null ? null : { lat: Number(m.location_lat), lng: Number(m.location_lng), name: m.location_name },
    forwarded: Boolean(m.forwarded),
  }));
}

export function reactionPages(db: Db, userId: string, pageSize: number): AsyncGenerator<Array<Static<typeof ExportedReaction>>> {
  return mapPages(keysetPages(
    (after: [string, number] | undefined, limit) => {
      let q = db.selectFrom('message_reactions').select(['chat_id', 'seq', 'emoji', 'created_at']).where('user_id', '=', userId);
      if (after) q = q.where((eb) => eb(eb.refTuple('chat_id', 'seq'), '>', eb.tuple(after[0], after[1])));
      return q.orderBy('chat_id').orderBy('seq').limit(limit).execute();
    },
    (row): [string, number] => [row.chat_id, Number(row.seq)],
    pageSize,
  ), (r) => ({ chatId: r.chat_id, seq: Number(r.seq), emoji: r.emoji, createdAt: iso(Number(r.created_at)) }));
}

/** Metadata of the user's uploads; no bytes, no storage keys. */
export function mediaPages(db: Db, userId: string, pageSize: number): AsyncGenerator<Array<Static<typeof ExportedMedia>>> {
  return mapPages(keysetPages(
    (after: string | undefined, limit) => {
      let q = db.selectFrom('media').selectAll().where('uploader_id', '=', userId);
      if (after !== undefined) q = q.where('id', '>', after);
      return q.orderBy('id').limit(limit).execute();
    },
    (row) => row.id,
    pageSize,
  ), (m) => ({
    id: m.id, kind: m.kind, mime: m.mime, size: Number(m.size), sha256: m.sha256, name: m.name,
    width: m.width, height: m.height, durationMs: m.duration_ms === null ? null : Number(m.duration_ms), createdAt: iso(Number(m.created_at)),
  }));
}

async function* mapPages<Row, Out>(pages: AsyncGenerator<Row[]>, present: (row: Row) => Out): AsyncGenerator<Out[]> {
  for await (const page of pages) yield page.map(present);
}
