import { sql } from 'kysely';
import type { MessageReceipts } from '@parley/protocol';
import { notFound } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { iso } from '../accounts/presentUser.js';
import { loadChatForMember } from '../chats/loadChatForMember.js';

/**
 * Who has one message. Counts come from the members' cursors, so every chat has them. The
 * `deliveredTo`/`readBy` lists (with times) come from receipt_log and only in chats up to
 * the detail limit; a cursor move made while the chat was larger was not logged, so such a
 * member is counted but not listed. The sender is not a recipient of their own message.
 */
export async function loadMessageReceipts(ctx: Context, caller: Caller, chatId: string, messageId: string): Promise<MessageReceipts> {
  const db = ctx.store.db;
  await loadChatForMember(db, chatId, caller.userId);
  const message = await db.selectFrom('messages').select(['seq', 'sender_id']).where('chat_id', '=', chatId).where('id', '=', messageId).executeTakeFirst();
  if (!message) throw notFound('message');
  const seq = Number(message.seq);
  const sender = message.sender_id;

  const other = sql<boolean>`user_id <> ${sender}`;
  const counts = await db
    .selectFrom('chat_members')
    .select((eb) => [
      eb.fn.countAll<number>().as('members'),
      sql<number>`coalesce(sum(case when ${other} then 1 else 0 end), 0)`.as('recipients'),
      sql<number>`coalesce(sum(case when ${other} and last_delivered_seq >= ${seq} then 1 else 0 end), 0)`.as('delivered'),
      sql<number>`coalesce(sum(case when ${other} and last_read_seq >= ${seq} then 1 else 0 end), 0)`.as('read'),
    ])
    .where('chat_id', '=', chatId)
    .executeTakeFirstOrThrow();

  const receipts: MessageReceipts = {
    messageId,
    seq,
    recipientCount: Number(counts.recipients),
    deliveredCount: Number(counts.delivered),
    readCount: Number(counts.read),
  };
  if (Number(counts.members) <= ctx.config.receiptsDetailMax) {
    const lists = await loadReceiptLists(ctx, chatId, seq, sender);
    receipts.deliveredTo = lists.delivered;
    receipts.readBy = lists.read;
  }
  return receipts;
}

/** Each current member's logged range covering `seq`, earliest first (ranges of one member and kind never overlap). */
async function loadReceiptLists(ctx: Context, chatId: string, seq: number, sender: string) {
  const rows = await ctx.store.db
    .selectFrom('receipt_log as r')
    .innerJoin('chat_members as cm', (join) => join.onRef('cm.chat_id', '=', 'r.chat_id').onRef('cm.user_id', '=', 'r.user_id'))
    .select(['r.user_id', 'r.kind', 'r.at'])
    .where('r.chat_id', '=', chatId)
    .where('r.kind', 'in', ['delivered', 'read'])
    .where('r.to_seq', '>=', seq)
    .where('r.from_seq', '<=', seq)
    .where('r.user_id', '<>', sender)
    .orderBy('r.at')
    .orderBy('r.user_id')
    .execute();
  const lists = { delivered: new Map<string, string>(), read: new Map<string, string>() };
  for (const row of rows) {
    const list = lists[row.kind];
    if (!list.has(row.user_id)) list.set(row.user_id, iso(Number(row.at)));
  }
  const present = (list: Map<string, string>) => [...list].map(([userId, at]) => ({ userId, at }));
  return { delivered: present(lists.delivered), read: present(lists.read) };
}
