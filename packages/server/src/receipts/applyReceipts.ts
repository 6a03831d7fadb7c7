import type { ReceiptFrame } from '@parley/protocol';
import { AppError, invalid, notFound } from '../errors.js';
import type { Caller } from '../context.js';
import type { Db } from '../store/Store.js';
import { pairKey, type Cursor, type ReceiptBatchFound, type ReceiptPath } from '../store/ReceiptPath.js';

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

/**
 * Applies a batch of receipts in the store's receipt transaction, in two steps whatever the batch
 * size (the adapter's ReceiptPath): look up the chats and cursors, then raise the cursors.
 * Between them: authorize all, and coalesce per (chat, member) to the highest seq. Cursors move
 * forward only; ranges are logged for small chats. Read implies delivered. A seq past the chat's
 * newest message is refused, not clamped: a client only learns a seq after its commit, so a
 * higher one is a client bug to surface.
 */
export async function applyReceipts(store: ReceiptPath, db: Db, requests: ReceiptRequest[], detailMax: number, now: number): Promise<ReceiptOutcome[]> {
  const pairs = [...new Map(requests.map((r) => [pairKey(r.chatId, r.caller.userId), { chatId: r.chatId, userId: r.caller.userId }])).values()];
  const { chats, cursors } = await store.lookUpReceiptBatch(db, [...new Set(requests.map((r) => r.chatId))], pairs);
  const errors = requests.map((req) => checkReceipt(req, chats, cursors));
  const marks = coalesce(requests.filter((_, i) => !errors[i]), cursors);

  const detailed = (m: Mark) => chats.get(m.chatId)!.memberCount <= detailMax;
  const raises = [...marks.values()].map((m) => ({ chatId: m.chatId, userId: m.userId, delivered: m.deliveredSeq, read: m.readSeq, detailed: detailed(m) }));
  const raised = await store.raiseReceiptCursors(db, raises, now);
  for (const [key, m] of marks) {
    const r = raised.cursors.get(key);
    if (!r) continue;
    m.deliveredSeq = r.after.delivered;
    m.readSeq = r.after.read;
    m.unreadCount = r.unread;
    m.moved = r.after.delivered > r.before.delivered || r.after.read > r.before.read;
    if (m.moved && detailed(m)) m.memberIds = raised.memberIds.get(m.chatId) ?? [];
  }

  return requests.map((req, i) => {
    const key = pairKey(req.chatId, req.caller.userId);
    // No longer a member: removed between the lookup and the raise (PostgreSQL runs them apart).
    const error = errors[i] ?? (raised.cursors.has(key) ? undefined : notMember());
    return error ? { ok: false, error } : { ok: true, mark: marks.get(key)! };
  });
}

const notMember = () => new AppError('forbidden', 'you are not a member of this chat');

function checkReceipt(req: ReceiptRequest, chats: ReceiptBatchFound['chats'], cursors: Map<string, Cursor>): AppError | undefined {
  const chat = chats.get(req.chatId);
  if (!chat) return notFound('chat');
  if (!cursors.has(pairKey(req.chatId, req.caller.userId))) return notMember();
  if (req.seq > chat.lastSeq) return invalid(`seq: past the newest message of this chat (${chat.lastSeq})`);
  return undefined;
}

/** One mark per (chat, member): the highest seq asked for, never below the cursor looked up; read implies delivered. */
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
    connections.set(key, (connections.get(key) ?? new Set()).add(req.fromConnection));
  }
  for (const [key, mark] of marks) {
    const sources = [...connections.get(key)!];
    if (sources.length === 1 && sources[0] !== undefined) mark.onlyConnection = sources[0];
  }
  return marks;
}
