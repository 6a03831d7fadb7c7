import type { Message } from '@parley/protocol';
import type { FrameEvent } from '../bus/Bus.js';
import type { Context } from '../context.js';
import type { MessageRow } from '../store/schema.js';
import { sql, type RawBuilder } from 'kysely';
import { loadMessageDetails } from './loadMessageDetails.js';
import { presentMessage, seqKey } from './presentMessage.js';

/**
 * After a commit that changed many messages at once (account deletion): `message.updated` to
 * every member of each message's chat, as `describeChange` does for one, in three queries for
 * the page (members, hides, details) whatever its size. Members who hid a message get the hidden form.
 */
export async function publishMessageUpdates(ctx: Context, rows: MessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  const db = ctx.store.db;
  const chatIds = [...new Set(rows.map((r) => r.chat_id))];
  const members = await db.selectFrom('chat_members').select(['chat_id', 'user_id']).where('chat_id', 'in', chatIds).execute();
  const hides = await db
    .selectFrom('message_hides')
    .select(['chat_id', 'seq', 'user_id', 'change_seq'])
    .where(bySeqOf(rows.map((r) => r.id)))
    .execute();
  const details = await loadMessageDetails(ctx, db, rows);
  const membersOf = new Map<string, string[]>();
  for (const m of members) {
    const list = membersOf.get(m.chat_id);
    if (list) list.push(m.user_id);
    else membersOf.set(m.chat_id, [m.user_id]);
  }
  const hidesOf = new Map<string, Map<string, number>>();
  for (const h of hides) {
    const key = seqKey(h.chat_id, Number(h.seq));
    hidesOf.set(key, (hidesOf.get(key) ?? new Map()).set(h.user_id, Number(h.change_seq)));
  }
  const events: FrameEvent[] = [];
  const push = (userIds: string[], message: Message) => {
    if (userIds.length > 0) events.push({ kind: 'frame', userIds, frame: { type: 'message.updated', message } });
  };
  for (const row of rows) {
    const key = seqKey(row.chat_id, Number(row.seq));
    const hiddenFor = hidesOf.get(key) ?? new Map<string, number>();
    const chatMembers = membersOf.get(row.chat_id) ?? [];
    push(chatMembers.filter((id) => !hiddenFor.has(id)), presentMessage(row, details));
    for (const [userId, hiddenAt] of hiddenFor) {
      if (chatMembers.includes(userId)) push([userId], presentMessage(row, { ...details, hidden: new Map([[key, hiddenAt]]) }));
    }
  }
  ctx.bus.publish(events);
}

/**
 * Rows of a per-message table (reactions, hides) of the messages with these ids, through the
 * messages' own (chat_id, seq): ids are text on both databases, where a VALUES list of seqs is
 * text to PostgreSQL and no match for a bigint column.
 */
export const bySeqOf = (messageIds: string[]): RawBuilder<boolean> =>
  sql<boolean>`(chat_id, seq) IN (SELECT m.chat_id, m.seq FROM messages m WHERE m.id IN (${sql.join(messageIds)}))`;
