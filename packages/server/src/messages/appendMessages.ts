import { sql } from 'kysely';
import type { MessageInput } from '@parley/protocol';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Caller } from '../context.js';
import type { Db } from '../store/Store.js';
import type { MessageRow } from '../store/schema.js';
import { insertMessages } from '../store/insertMessages.js';
import { tupleIn } from '../store/tupleIn.js';
import { findBlockedPairs } from '../contacts/blocks.js';
import { AUDIO_CAPABLE } from '../media/sniffMediaType.js';

export interface SendRequest {
  caller: Caller;
  chatId: string;
  clientMsgId?: string;
  input: MessageInput;
  /** The connection that gets an ack for this send, and so needs no `message` frame of it. */
  ackedConnection?: string;
  /** A forward: marked as such, and may use this media id although the sender did not upload it. */
  forwarded?: boolean;
  mediaGrant?: string;
}

export type SendOutcome =
  | { ok: true; row: MessageRow; fresh: boolean; memberIds: string[] }
  | { ok: false; error: AppError };

// Keys per lookup statement: SQLite allows 32,766 bound parameters, PostgreSQL 65,535.
const CHUNK = 500;

/**
 * Stores a batch of sends in the caller's transaction, in a fixed number of statements
 * whatever the batch size: authorize all, dedupe all, bump every chat's counter once,
 * insert all. `seq` comes from the chat's counter row updated in this same transaction,
 * so seqs are gapless and every reader sees one order.
 */
export async function appendMessages(db: Db, requests: SendRequest[]): Promise<SendOutcome[]> {
  const outcomes: Array<SendOutcome | undefined> = new Array(requests.length);
  const chatIds = [...new Set(requests.map((r) => r.chatId))];
  const { chatTypes, members } = await loadMemberships(db, chatIds);

  const privatePairs: Array<[string, string]> = [];
  requests.forEach((req, i) => {
    const chatMembers = members.get(req.chatId);
    if (!chatTypes.has(req.chatId)) outcomes[i] = { ok: false, error: notFound('chat') };
    else if (!chatMembers?.includes(req.caller.userId)) outcomes[i] = { ok: false, error: new AppError('forbidden', 'you are not a member of this chat') };
    else if (chatTypes.get(req.chatId) === 'private') {
      const other = chatMembers.find((m) => m !== req.caller.userId);
      if (other) privatePairs.push([req.caller.userId, other]);
    }
  });
  const blocked = await findBlockedPairs(db, privatePairs);
  requests.forEach((req, i) => {
    if (outcomes[i] || chatTypes.get(req.chatId) !== 'private') return;
    const other = members.get(req.chatId)!.find((m) => m !== req.caller.userId);
    if (other && blocked.has(`${req.caller.userId}:${other}`)) {
      outcomes[i] = { ok: false, error: new AppError('blocked', 'one of you has blocked the other') };
    }
  });

  const replies = await loadReplyTargets(db, requests.filter((r, i) => !outcomes[i] && r.input.replyTo));
  requests.forEach((req, i) => {
    if (!outcomes[i] && req.input.replyTo && !replies.has(`${req.chatId}:${req.input.replyTo}`)) {
      outcomes[i] = { ok: false, error: new AppError('invalid_request', 'message.replyTo: no such message in this chat') };
    }
  });

  const media = await loadMedia(db, requests.filter((r, i) => !outcomes[i] && r.input.media));
  requests.forEach((req, i) => {
    if (outcomes[i] || !req.input.media) return;
    const found = media.get(req.input.media.id);
    if (!found || (found.uploader_id !== req.caller.userId && req.mediaGrant !== found.id)) {
      outcomes[i] = { ok: false, error: new AppError('invalid_request', 'message.media.id: no such upload of yours') };
    } else if (!mediaFits(req.input.type, found)) {
      outcomes[i] = { ok: false, error: new AppError('invalid_request', `message.media.id: a ${found.kind} upload cannot be sent as a ${req.input.type} message`) };
    }
  });

  // Idempotency: a (chat, sender, clientMsgId) seen before, or earlier in this batch, is the same message.
  const existing = await loadExisting(db, requests.filter((r, i) => !outcomes[i] && r.clientMsgId));
  const firstInBatch = new Map<string, number>();
  const fresh: number[] = [];
  requests.forEach((req, i) => {
    if (outcomes[i]) return;
    const key = req.clientMsgId ? idemKey(req.chatId, req.caller.userId, req.clientMsgId) : undefined;
    const stored = key ? existing.get(key) : undefined;
    if (stored) outcomes[i] = { ok: true, row: stored, fresh: false, memberIds: members.get(req.chatId)! };
    else if (key && firstInBatch.has(key)) return; // resolved below, from its first copy
    else {
      if (key) firstInBatch.set(key, i);
      fresh.push(i);
    }
  });

  const perChat = new Map<string, number>();
  for (const i of fresh) perChat.set(requests[i]!.chatId, (perChat.get(requests[i]!.chatId) ?? 0) + 1);
  const nextSeq = await reserveSeqs(db, perChat);

  const now = Date.now();
  const rows: MessageRow[] = [];
  for (const i of fresh) {
    const req = requests[i]!;
    const seq = nextSeq.get(req.chatId)!;
    nextSeq.set(req.chatId, seq + 1);
    const row: MessageRow = {
      id: newId(),
      chat_id: req.chatId,
      seq,
      sender_id: req.caller.userId,
      client_msg_id: req.clientMsgId ?? null,
      type: req.input.type,
      content: req.input.content,
      reply_to: req.input.replyTo ?? null,
      created_at: now,
      edited_at: null,
      deleted_at: null,
      media_id: req.input.media?.id ?? null,
      location_lat: req.input.location?.lat ?? null,
      location_lng: req.input.location?.lng ?? null,
      location_name: req.input.location?.name ?? null,
      forwarded: req.forwarded ? 1 : 0,
      change_seq: 0,
    };
    rows.push(row);
    outcomes[i] = { ok: true, row, fresh: true, memberIds: members.get(req.chatId)! };
  }
  await insertMessages(db, rows);

  return requests.map((req, i) => {
    const outcome = outcomes[i];
    if (outcome) return outcome;
    const first = outcomes[firstInBatch.get(idemKey(req.chatId, req.caller.userId, req.clientMsgId!))!]!;
    return first.ok ? { ...first, fresh: false } : first;
  });
}

const idemKey = (chatId: string, senderId: string, clientMsgId: string) => `${chatId}\u0000${senderId}\u0000${clientMsgId}`;

async function loadMemberships(db: Db, chatIds: string[]) {
  const chatTypes = new Map<string, string>();
  const members = new Map<string, string[]>();
  for (let i = 0; i < chatIds.length; i += CHUNK) {
    const ids = chatIds.slice(i, i + CHUNK);
    for (const c of await db.selectFrom('chats').select(['id', 'type']).where('id', 'in', ids).execute()) {
      chatTypes.set(c.id, c.type);
      members.set(c.id, []);
    }
    for (const m of await db.selectFrom('chat_members').select(['chat_id', 'user_id']).where('chat_id', 'in', ids).execute()) {
      members.get(m.chat_id)?.push(m.user_id);
    }
  }
  return { chatTypes, members };
}

async function loadExisting(db: Db, requests: SendRequest[]): Promise<Map<string, MessageRow>> {
  const found = new Map<string, MessageRow>();
  for (let i = 0; i < requests.length; i += CHUNK) {
    const part = requests.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('messages')
      .selectAll()
      .where(tupleIn(['chat_id', 'sender_id', 'client_msg_id'], part.map((r) => [r.chatId, r.caller.userId, r.clientMsgId!])))
      .execute();
    for (const row of rows) found.set(idemKey(row.chat_id, row.sender_id, row.client_msg_id!), row);
  }
  return found;
}

async function loadReplyTargets(db: Db, requests: SendRequest[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < requests.length; i += CHUNK) {
    const part = requests.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('messages')
      .select(['chat_id', 'id'])
      .where(tupleIn(['chat_id', 'id'], part.map((r) => [r.chatId, r.input.replyTo!])))
      .execute();
    for (const row of rows) found.add(`${row.chat_id}:${row.id}`);
  }
  return found;
}

/** Who uploaded each referenced media, and what it is: one query per 500 sends. */
async function loadMedia(db: Db, requests: SendRequest[]): Promise<Map<string, { id: string; uploader_id: string; kind: string; mime: string; width: number | null }>> {
  const found = new Map<string, { id: string; uploader_id: string; kind: string; mime: string; width: number | null }>();
  for (let i = 0; i < requests.length; i += CHUNK) {
    const ids = [...new Set(requests.slice(i, i + CHUNK).map((r) => r.input.media!.id))];
    const rows = await db.selectFrom('media').select(['id', 'uploader_id', 'kind', 'mime', 'width']).where('id', 'in', ids).execute();
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

/** A file message may carry anything; a voice note may be a WebM or MP4 without a picture. */
function mediaFits(type: string, media: { kind: string; mime: string; width: number | null }): boolean {
  if (type === 'file') return true;
  if (type === 'audio' && media.kind === 'video') return AUDIO_CAPABLE.has(media.mime) && media.width === null;
  return media.kind === type;
}

/** Bumps each chat's counter by its count in one statement; returns each chat's first new seq. */
async function reserveSeqs(db: Db, perChat: Map<string, number>): Promise<Map<string, number>> {
  const first = new Map<string, number>();
  const entries = [...perChat].sort(([a], [b]) => (a < b ? -1 : 1));
  for (let i = 0; i < entries.length; i += CHUNK) {
    const part = entries.slice(i, i + CHUNK);
    const bump = sql.join(part.map(([id, n]) => sql`WHEN ${id} THEN CAST(${n} AS INTEGER)`), sql` `);
    const updated = await db
      .updateTable('chats')
      .set({ last_seq: sql`last_seq + CASE id ${bump} END` })
      .where('id', 'in', part.map(([id]) => id))
      .returning(['id', 'last_seq'])
      .execute();
    for (const row of updated) first.set(row.id, Number(row.last_seq) - perChat.get(row.id)! + 1);
  }
  return first;
}
