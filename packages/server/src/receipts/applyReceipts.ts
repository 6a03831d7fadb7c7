import { sql } from 'kysely';
import type { ReceiptFrame } from '@parley/protocol';
import { AppError, invalid, notFound } from '../errors.js';
import type { Caller } from '../context.js';
import type { Db } from '../store/Store.js';
import { unreadByMember } from '../chats/unreadByMember.js';

export type ReceiptStatus = ReceiptFrame['status'];

export interface ReceiptRequest {
  caller: Caller;
  chatId: string;
  /** Everything up to and including this seq is delivered (or read). */
  seq: number;
  status: ReceiptStatus;
  /** The WebSocket connection that sent it; it knows its own update and gets no frame of it. */
  fromConnection?: string;
}

/** One member's cursors in one chat after the batch. */
export interface Mark {
  chatId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
  unreadCount: number;
  /** Whether this batch moved either cursor (only then is anything published). */
  moved: boolean;
  /** The chat's members when it is small enough for detail; undefined above the limit. */
  memberIds?: string[];
  /** Set when every receipt behind this mark came from that one connection. */
  onlyConnection?: string;
}

export type ReceiptOutcome = { ok: true; mark: Mark } | { ok: false; error: AppError };

interface Cursor { delivered: number; read: number }

// SQLite allows 32,766 bound parameters and an expression depth of 1,000 per statement; the
// widest statement here binds 10 parameters per mark and ORs one term per mark.
const CHUNK = 200;

const pairKey = (chatId: string, userId: string) => `${chatId}\u0000${userId}`;

/**
 * Applies a batch of receipts in the caller's transaction, in a fixed number of statements
 * whatever the batch size: authorize all, coalesce per (chat, member) to the highest seq,
 * move the cursors forward only, log the new ranges (small chats), count unread.
 * Read implies delivered. A seq past the chat's newest message is refused, not clamped:
 * a client only learns a seq after its commit, so a higher one is a client bug to surface.
 */
export async function applyReceipts(db: Db, requests: ReceiptRequest[], detailMax: number, now: number): Promise<ReceiptOutcome[]> {
  const chats = await loadChats(db, [...new Set(requests.map((r) => r.chatId))]);
  const cursors = await loadCursors(db, requests);
  const errors = requests.map((req) => checkReceipt(req, chats, cursors));
  const marks = coalesce(requests.filter((_, i) => !errors[i]), cursors);

  const moved = [...marks.values()].filter((m) => m.moved);
  await writeCursors(db, moved);
  const detailed = moved.filter((m) => chats.get(m.chatId)!.memberCount <= detailMax);
  await logRanges(db, detailed, cursors, now);
  const memberIds = await loadMemberIds(db, [...new Set(detailed.map((m) => m.chatId))]);
  for (const m of detailed) m.memberIds = memberIds.get(m.chatId) ?? [];
  const unread = await countUnread(db, [...marks.values()]);
  for (const [key, m] of marks) m.unreadCount = unread.get(key) ?? 0;

  return requests.map((req, i) => {
    const error = errors[i];
    return error ? { ok: false, error } : { ok: true, mark: marks.get(pairKey(req.chatId, req.caller.userId))! };
  });
}

type ChatFacts = Map<string, { lastSeq: number; memberCount: number }>;

function checkReceipt(req: ReceiptRequest, chats: ChatFacts, cursors: Map<string, Cursor>): AppError | undefined {
  const chat = chats.get(req.chatId);
  if (!chat) return notFound('chat');
  if (!cursors.has(pairKey(req.chatId, req.caller.userId))) return new AppError('forbidden', 'you are not a member of this chat');
  if (req.seq > chat.lastSeq) return invalid(`seq: past the newest message of this chat (${chat.lastSeq})`);
  return undefined;
}

/** One mark per (chat, member): the highest seq asked for, never below the stored cursor; read implies delivered. */
function coalesce(requests: ReceiptRequest[], cursors: Map<string, Cursor>): Map<string, Mark> {
  const marks = new Map<string, Mark>();
  const connections = new Map<string, Set<string | undefined>>();
  for (const req of requests) {
    const key = pairKey(req.chatId, req.caller.userId);
    const old = cursors.get(key)!;
    const mark = marks.get(key) ?? { chatId: req.chatId, userId: req.caller.userId, deliveredSeq: old.delivered, readSeq: old.read, unreadCount: 0, moved: false };
    marks.set(key, mark);
    if (req.status === 'read') mark.readSeq = Math.max(mark.readSeq, req.seq);
    mark.deliveredSeq = Math.max(mark.deliveredSeq, req.seq, mark.readSeq);
    mark.moved = mark.deliveredSeq > old.delivered || mark.readSeq > old.read;
    connections.set(key, (connections.get(key) ?? new Set()).add(req.fromConnection));
  }
  for (const [key, mark] of marks) {
    const sources = [...connections.get(key)!];
    if (sources.length === 1 && sources[0] !== undefined) mark.onlyConnection = sources[0];
  }
  return marks;
}

/** Each chat's newest seq and member count. */
async function loadChats(db: Db, chatIds: string[]): Promise<ChatFacts> {
  const found: ChatFacts = new Map();
  for (let i = 0; i < chatIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('chats')
      .leftJoin('chat_members', 'chat_members.chat_id', 'chats.id')
      .select((eb) => ['chats.id', 'chats.last_seq', eb.fn.count<number>('chat_members.user_id').as('members')])
      .where('chats.id', 'in', chatIds.slice(i, i + CHUNK))
      .groupBy(['chats.id', 'chats.last_seq'])
      .execute();
    for (const r of rows) found.set(r.id, { lastSeq: Number(r.last_seq), memberCount: Number(r.members) });
  }
  return found;
}

/** The current cursors of every (chat, member) pair asked about; a missing pair is not a member. */
async function loadCursors(db: Db, requests: ReceiptRequest[]): Promise<Map<string, Cursor>> {
  const pairs = [...new Map(requests.map((r) => [pairKey(r.chatId, r.caller.userId), r])).values()];
  const found = new Map<string, Cursor>();
  for (let i = 0; i < pairs.length; i += CHUNK) {
    const part = pairs.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('chat_members')
      .select(['chat_id', 'user_id', 'last_delivered_seq', 'last_read_seq'])
      .where((eb) => eb.or(part.map((r) => eb.and([eb('chat_id', '=', r.chatId), eb('user_id', '=', r.caller.userId)]))))
      .execute();
    for (const r of rows) found.set(pairKey(r.chat_id, r.user_id), { delivered: Number(r.last_delivered_seq), read: Number(r.last_read_seq) });
  }
  return found;
}

/**
 * One UPDATE per chunk. Each cursor is raised only if it is lower (`CASE … < new`), so even
 * a writer working from stale values (another node, on PostgreSQL) never moves one
 * backwards, and the marks take the stored values it returns, so no frame shows less.
 */
async function writeCursors(db: Db, marks: Mark[]): Promise<void> {
  const byKey = new Map(marks.map((m) => [pairKey(m.chatId, m.userId), m]));
  for (let i = 0; i < marks.length; i += CHUNK) {
    const part = marks.slice(i, i + CHUNK);
    const raise = (column: 'last_delivered_seq' | 'last_read_seq', value: (m: Mark) => number) =>
      sql<number>`CASE ${sql.join(
        part.map((m) => sql`WHEN chat_id = ${m.chatId} AND user_id = ${m.userId} AND ${sql.ref(column)} < ${value(m)} THEN CAST(${value(m)} AS BIGINT)`),
        sql` `,
      )} ELSE ${sql.ref(column)} END`;
    const rows = await db
      .updateTable('chat_members')
      .set({ last_delivered_seq: raise('last_delivered_seq', (m) => m.deliveredSeq), last_read_seq: raise('last_read_seq', (m) => m.readSeq) })
      .where((eb) => eb.or(part.map((m) => eb.and([eb('chat_id', '=', m.chatId), eb('user_id', '=', m.userId)]))))
      .returning(['chat_id', 'user_id', 'last_delivered_seq', 'last_read_seq'])
      .execute();
    for (const row of rows) {
      const mark = byKey.get(pairKey(row.chat_id, row.user_id))!;
      mark.deliveredSeq = Number(row.last_delivered_seq);
      mark.readSeq = Number(row.last_read_seq);
    }
  }
}

/** The ranges each cursor just moved over, with the time; read moves delivered too, so both are logged. */
async function logRanges(db: Db, marks: Mark[], before: Map<string, Cursor>, now: number): Promise<void> {
  const rows = marks.flatMap((m) => {
    const old = before.get(pairKey(m.chatId, m.userId))!;
    const ranges = [];
    if (m.deliveredSeq > old.delivered) ranges.push({ kind: 'delivered' as const, from_seq: old.delivered + 1, to_seq: m.deliveredSeq });
    if (m.readSeq > old.read) ranges.push({ kind: 'read' as const, from_seq: old.read + 1, to_seq: m.readSeq });
    return ranges.map((r) => ({ chat_id: m.chatId, user_id: m.userId, ...r, at: now }));
  });
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db.insertInto('receipt_log').values(rows.slice(i, i + CHUNK)).execute();
  }
}

async function loadMemberIds(db: Db, chatIds: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < chatIds.length; i += CHUNK) {
    const rows = await db.selectFrom('chat_members').select(['chat_id', 'user_id']).where('chat_id', 'in', chatIds.slice(i, i + CHUNK)).execute();
    for (const r of rows) {
      const list = found.get(r.chat_id) ?? [];
      list.push(r.user_id);
      found.set(r.chat_id, list);
    }
  }
  return found;
}

/** Unread after the new cursors (this runs after the update, in the same transaction). */
async function countUnread(db: Db, marks: Mark[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let i = 0; i < marks.length; i += CHUNK) {
    const part = marks.slice(i, i + CHUNK);
    const rows = await unreadByMember(db)
      .where((eb) => eb.or(part.map((m) => eb.and([eb('cm.chat_id', '=', m.chatId), eb('cm.user_id', '=', m.userId)]))))
      .execute();
    for (const r of rows) found.set(pairKey(r.chat_id, r.user_id), Number(r.n));
  }
  return found;
}
