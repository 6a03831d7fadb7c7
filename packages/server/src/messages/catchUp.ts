import { sql } from 'kysely';
import { LIMITS, type SyncedChat } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import type { Db } from '../store/Store.js';
import type { MessageRow } from '../store/schema.js';
import { presentMessage } from './presentMessage.js';
import { loadMessageDetails } from './loadMessageDetails.js';

/**
 * Everything a device missed: for each chat the user is in whose newest seq is past the
 * device's cursor, the messages after the cursor, oldest first, at most `limit` per chat
 * and `LIMITS.syncTotalMax` in all (so one reply frame stays bounded); a chat cut short
 * says `hasMore` and the client asks again from its new cursor.
 * The gateway subscribes the connection before this runs, so anything committed later
 * arrives live; the client drops the overlap by seq.
 *
 * With `changes` (chat id → the changeSeq the device is current to) it also returns, as
 * `updates`, the messages up to the cursor that were edited, deleted, reacted to or hidden by
 * this user since then, and the `changeSeq` to keep. See docs/api.md, "Catch-up of changes".
 */
export async function catchUp(
  ctx: Context,
  caller: Caller,
  cursors: Record<string, number>,
  limit: number = LIMITS.syncPageMax,
  changes?: Record<string, number>,
): Promise<SyncedChat[]> {
  const db = ctx.store.db;
  // The counters are read before any message: every change numbered up to last_change_seq has
  // committed by then (the counter row serialises them), so the reads below see it.
  const chats = await db
    .selectFrom('chat_members')
    .innerJoin('chats', 'chats.id', 'chat_members.chat_id')
    .select(['chats.id', 'chats.last_seq', 'chats.last_change_seq'])
    .where('chat_members.user_id', '=', caller.userId)
    .orderBy('chats.id')
    .execute();
  let budget: number = LIMITS.syncTotalMax;
  const result: Array<{ synced: SyncedChat; rows: MessageRow[]; updates?: MessageRow[] }> = [];
  for (const chat of chats) {
    const cursor = cursors[chat.id] ?? 0;
    const lastSeq = Number(chat.last_seq);
    const lastChange = Number(chat.last_change_seq);
    const since = changes ? (changes[chat.id] ?? 0) : undefined;
    const newMessages = lastSeq > cursor;
    const newChanges = since !== undefined && lastChange > since;
    if (!newMessages && !newChanges) continue;
    const synced: SyncedChat = { chatId: chat.id, messages: [], hasMore: false };
    const entry: (typeof result)[number] = { synced, rows: [] };
    if (newMessages) {
      const take = Math.min(limit, budget);
      if (take > 0) {
        entry.rows = await db.selectFrom('messages').selectAll().where('chat_id', '=', chat.id).where('seq', '>', cursor).orderBy('seq').limit(take).execute();
        budget -= entry.rows.length;
      }
      synced.hasMore = cursor + entry.rows.length < lastSeq;
    }
    if (since !== undefined) {
      synced.changeSeq = lastChange;
      entry.updates = [];
      if (newChanges) {
        const take = Math.min(limit, budget);
        const updates = take > 0 ? await changedSince(db, caller.userId, chat.id, cursor, since, lastChange, take) : { rows: [], complete: since, truncated: true };
        budget -= updates.rows.length;
        entry.updates = updates.rows;
        // Cut short: the client is current only up to the changes it was given.
        synced.changeSeq = updates.complete;
        if (updates.truncated) synced.hasMore = true;
      }
    }
    result.push(entry);
  }
  const all = result.flatMap((e) => [...e.rows, ...(e.updates ?? [])]);
  const details = await loadMessageDetails(ctx, db, all, { viewerId: caller.userId });
  return result.map(({ synced, rows, updates }) => {
    synced.messages = rows.map((r) => presentMessage(r, details));
    if (updates) synced.updates = updates.map((r) => presentMessage(r, details));
    return synced;
  });
}

/**
 * Messages at or before `cursor` whose change (their own, or this user's hide) is in
 * (since, upTo], ordered by that change. Messages after the cursor need none: the client gets
 * them whole, in their current state. Two index reads: the chat's changed messages
 * (messages_change) and this user's hides there (message_hides_user).
 */
async function changedSince(db: Db, userId: string, chatId: string, cursor: number, since: number, upTo: number, take: number) {
  const changed = await db
    .selectFrom('messages')
    .selectAll()
    .where('chat_id', '=', chatId)
    .where(sql<boolean>`change_seq > 0`) // the partial index's own condition, written out so it is used
    .where('change_seq', '>', since)
    .where('change_seq', '<=', upTo)
    .where('seq', '<=', cursor)
    .orderBy('change_seq')
    .limit(take)
    .execute();
  const hid = await db
    .selectFrom('message_hides as h')
    .innerJoin('messages as m', (join) => join.onRef('m.chat_id', '=', 'h.chat_id').onRef('m.seq', '=', 'h.seq'))
    .selectAll('m')
    .select('h.change_seq as hide_change')
    .where('h.user_id', '=', userId)
    .where('h.chat_id', '=', chatId)
    .where('h.change_seq', '>', since)
    .where('h.change_seq', '<=', upTo)
    .where('h.seq', '<=', cursor)
    .orderBy('h.change_seq')
    .limit(take)
    .execute();
  const bySeq = new Map<number, { row: MessageRow; change: number }>();
  for (const row of changed) bySeq.set(Number(row.seq), { row, change: Number(row.change_seq) });
  for (const { hide_change, ...row } of hid) {
    const seen = bySeq.get(Number(row.seq));
    const change = Math.max(Number(hide_change), Number(row.change_seq));
    bySeq.set(Number(row.seq), { row: seen?.row ?? (row as MessageRow), change: Math.max(change, seen?.change ?? 0) });
  }
  // A list cut at `take` is complete only up to its last change; so is the merge. What lies past
  // that comes in the next sync (its change is past the changeSeq handed out now).
  let complete = upTo;
  if (changed.length === take) complete = Math.min(complete, Number(changed[changed.length - 1]!.change_seq));
  if (hid.length === take) complete = Math.min(complete, Number(hid[hid.length - 1]!.hide_change));
  const rows = [...bySeq.values()].filter((u) => u.change <= complete).sort((a, b) => a.change - b.change).map((u) => u.row);
  return { rows, complete, truncated: complete < upTo };
}
