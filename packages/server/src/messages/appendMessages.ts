import type { MessageInput } from '@parley/protocol';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Caller } from '../context.js';
import type { Db, Store } from '../store/Store.js';
import type { MessageRow } from '../store/schema.js';
import { idemKey, replyKey, type SendBatchFound, type SendBatchKeys, type SendBatchMedia, type SendPath } from '../store/SendPath.js';
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

/** Stores a batch of sends as the message writer does: appendMessages in the store's send transaction. */
export function storeSends(store: Store, requests: SendRequest[]): Promise<SendOutcome[]> {
  const keys = sendBatchKeys(requests);
  return store.sendTransaction(keys, (db) => appendMessages(store, db, requests, keys));
}

/**
 * Stores a batch of sends through `db` (the batch's transaction, or the pool where
 * Store.sendTransaction says so), in a fixed number of statements whatever the batch size: look
 * up what the checks need, bump every chat's counter once, insert all. A send failing a check
 * fails alone. `seq` comes from the chat's counter row, bumped in the same atomic write as the
 * inserts, so seqs are gapless and every reader sees one order.
 */
export async function appendMessages(path: SendPath, db: Db, requests: SendRequest[], keys = sendBatchKeys(requests)): Promise<SendOutcome[]> {
  const found = await path.lookUpSendBatch(db, keys);
  const outcomes: Array<SendOutcome | undefined> = requests.map((req) => {
    const error = checkSend(req, found);
    return error && { ok: false, error };
  });

  // Idempotency: a (chat, sender, clientMsgId) seen before, or earlier in this batch, is the same message.
  const firstInBatch = new Map<string, number>();
  const fresh: number[] = [];
  requests.forEach((req, i) => {
    if (outcomes[i]) return;
    const key = req.clientMsgId ? idemKey(req.chatId, req.caller.userId, req.clientMsgId) : undefined;
    const stored = key ? found.stored.get(key) : undefined;
    if (stored) outcomes[i] = { ok: true, row: stored, fresh: false, memberIds: found.chats.get(req.chatId)!.members };
    else if (key && firstInBatch.has(key)) return; // resolved below, from its first copy
    else {
      if (key) firstInBatch.set(key, i);
      fresh.push(i);
    }
  });

  // Each new row's seq starts as its place among the batch's new rows in its chat (1, 2, …).
  const placed = new Map<string, number>();
  const now = Date.now();
  const rows: MessageRow[] = [];
  for (const i of fresh) {
    const req = requests[i]!;
    const seq = (placed.get(req.chatId) ?? 0) + 1;
    placed.set(req.chatId, seq);
    const row = newRow(req, seq, now);
    rows.push(row);
    outcomes[i] = { ok: true, row, fresh: true, memberIds: found.chats.get(req.chatId)!.members };
  }
  await path.appendNumbered(db, rows);

  return requests.map((req, i) => {
    const outcome = outcomes[i];
    if (outcome) return outcome;
    const first = outcomes[firstInBatch.get(idemKey(req.chatId, req.caller.userId, req.clientMsgId!))!]!;
    return first.ok ? { ...first, fresh: false } : first;
  });
}

function newRow(req: SendRequest, seq: number, now: number): MessageRow {
  return {
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
}

/** The first check a send fails, if any: membership, blocks, a deleted peer, reply target, media. */
function checkSend(req: SendRequest, found: SendBatchFound): AppError | undefined {
  const chat = found.chats.get(req.chatId);
  if (!chat) return notFound('chat');
  if (!chat.members.includes(req.caller.userId)) return new AppError('forbidden', 'you are not a member of this chat');
  if (chat.blocked) return new AppError('blocked', 'one of you has blocked the other');
  if (chat.peerDeleted) return new AppError('forbidden', 'this account was deleted; nothing more can be sent to this chat');
  if (req.input.replyTo && !found.replyTargets.has(replyKey(req.chatId, req.input.replyTo))) {
    return new AppError('invalid_request', 'message.replyTo: no such message in this chat');
  }
  if (!req.input.media) return undefined;
  const media = found.media.get(req.input.media.id);
  if (!media || (media.uploader_id !== req.caller.userId && req.mediaGrant !== media.id)) {
    return new AppError('invalid_request', 'message.media.id: no such upload of yours');
  }
  if (!mediaFits(req.input.type, media)) {
    return new AppError('invalid_request', `message.media.id: a ${media.kind} upload cannot be sent as a ${req.input.type} message`);
  }
  return undefined;
}

/** A file message may carry anything; a voice note may be a WebM or MP4 without a picture. */
function mediaFits(type: string, media: SendBatchMedia): boolean {
  if (type === 'file') return true;
  if (type === 'audio' && media.kind === 'video') return AUDIO_CAPABLE.has(media.mime) && media.width === null;
  return media.kind === type;
}

/** Every key the batch's checks read, for every send: one that fails a check has the rest ignored. */
function sendBatchKeys(requests: SendRequest[]): SendBatchKeys {
  return {
    chatIds: [...new Set(requests.map((r) => r.chatId))],
    clientMsgIds: requests.flatMap((r) => (r.clientMsgId ? [[r.chatId, r.caller.userId, r.clientMsgId] as [string, string, string]] : [])),
    replyTargets: requests.flatMap((r) => (r.input.replyTo ? [[r.chatId, r.input.replyTo] as [string, string]] : [])),
    mediaIds: [...new Set(requests.flatMap((r) => (r.input.media ? [r.input.media.id] : [])))],
  };
}
