import type { Message } from '@parley/protocol';
import type { BusEvent } from '../bus/Bus.js';
import type { Caller, Context } from '../context.js';
import { notFound } from '../errors.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';
import type { Db } from '../store/Store.js';
import type { ChatRow, MemberRow, MessageRow } from '../store/schema.js';
import { loadMessageDetails } from './loadMessageDetails.js';
import { presentMessage, seqKey } from './presentMessage.js';

export interface Loaded {
  chat: ChatRow;
  member: MemberRow;
  row: MessageRow;
}

/** A message of a chat the caller is in: unknown chat or message 404, not a member 403. */
export async function loadMessageForMember(db: Db, chatId: string, messageId: string, userId: string): Promise<Loaded> {
  const { chat, member } = await loadChatForMember(db, chatId, userId);
  const row = await db.selectFrom('messages').selectAll().where('chat_id', '=', chatId).where('id', '=', messageId).executeTakeFirst();
  if (!row) throw notFound('message');
  return { chat, member, row };
}

/**
 * Numbers a change to a stored message: the chat's change counter goes up by one in the
 * writing transaction. The row lock on the chat orders concurrent changes, so once a reader
 * sees counter n, every change numbered up to n has committed (catch-up relies on it).
 */
export async function bumpChange(db: Db, chatId: string): Promise<number> {
  const row = await db
    .updateTable('chats')
    .set((eb) => ({ last_change_seq: eb('last_change_seq', '+', 1) }))
    .where('id', '=', chatId)
    .returning('last_change_seq')
    .executeTakeFirstOrThrow();
  return Number(row.last_change_seq);
}

export interface Change {
  /** `message.updated` frames, to publish after the commit. */
  events: BusEvent[];
  /** The message as the caller now sees it. */
  message: Message;
  /** Runs once the frames are published (a hand-over to Web Push). */
  afterward?: () => void;
}

/**
 * The new state of a changed message for every member, decided inside the writing transaction
 * from the membership at that moment: members who hid it get the hidden form, the rest the
 * whole message. `onlyUserId` limits the frames to one user (a hide is nobody else's business).
 */
export async function describeChange(ctx: Context, db: Db, caller: Caller, chatId: string, seq: number, onlyUserId?: string): Promise<Change> {
  const row = await db.selectFrom('messages').selectAll().where('chat_id', '=', chatId).where('seq', '=', seq).executeTakeFirstOrThrow();
  const members = onlyUserId
    ? [onlyUserId]
    : (await db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).execute()).map((m) => m.user_id);
  const hides = await db.selectFrom('message_hides').select(['user_id', 'change_seq']).where('chat_id', '=', chatId).where('seq', '=', seq).execute();
  const details = await loadMessageDetails(ctx, db, [row]);
  const whole = presentMessage(row, details);
  const hiddenFor = new Map(hides.map((h) => [h.user_id, Number(h.change_seq)]));
  const asSeenBy = (userId: string): Message => {
    const hiddenAt = hiddenFor.get(userId);
    if (hiddenAt === undefined) return whole;
    return presentMessage(row, { ...details, hidden: new Map([[seqKey(chatId, seq), hiddenAt]]) });
  };
  const events: BusEvent[] = [];
  const seeWhole = members.filter((id) => !hiddenFor.has(id));
  if (seeWhole.length > 0) events.push({ kind: 'frame', userIds: seeWhole, frame: { type: 'message.updated', message: whole } });
  for (const id of members.filter((m) => hiddenFor.has(m))) {
    events.push({ kind: 'frame', userIds: [id], frame: { type: 'message.updated', message: asSeenBy(id) } });
  }
  return { events, message: asSeenBy(caller.userId) };
}

/** Runs a change in one transaction, then publishes its frames (only after the commit). */
export async function commitChange(ctx: Context, write: (trx: Db) => Promise<Change>): Promise<Message> {
  // A transaction may run `write` again (a conflict): only the committed run's change counts.
  const change = await ctx.store.transaction(write);
  ctx.bus.publish(change.events);
  change.afterward?.();
  return change.message;
}
