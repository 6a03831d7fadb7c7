import type { Context } from '../context.js';
import type { Db } from '../store/Store.js';
import { markChanged, type ChangedKey } from './markChanged.js';
import { bySeqOf, publishMessageUpdates } from './publishMessageUpdates.js';
import { sentMessagePages } from './sentMessagePages.js';

/**
 * Account deletion's changes to messages, in the deleting transaction: a fixed number of
 * statements a page (and the walk's, one a window of seqs), never one a message. Frames go out after the commit (publishErasedMessages,
 * publishMessageUpdates), from what was committed.
 */

/**
 * "Delete for everyone" (deleteForEveryone's rule) for every message the user sent and had not
 * deleted: text, media, location, reply and reactions gone, each change numbered. The messages are
 * found chat by chat, `window` seqs a statement (sentMessagePages); then three statements a page.
 */
export async function eraseSentMessages(trx: Db, userId: string, at: number, pageSize: number, window: number): Promise<void> {
  for await (const page of sentMessagePages(trx, userId, { pageSize, window, deletedAt: null, yieldBetweenWindows: false })) {
    const keys: ChangedKey[] = page.map((r) => ({ id: r.id, chat_id: r.chat_id, seq: Number(r.seq) }));
    await markChanged(trx, keys, { deleted_at: at, content: '', media_id: null, location_lat: null, location_lng: null, location_name: null, reply_to: null });
    await trx.deleteFrom('message_reactions').where(bySeqOf(keys.map((k) => k.id))).execute();
  }
}

/**
 * Takes off every reaction the user gave; each message it was on counts as changed, so other
 * members' reaction counts update. Three statements a page. Returns those messages' keys for
 * publishing after the commit (one per reaction, which bounds them).
 */
export async function removeReactionsBy(trx: Db, userId: string, pageSize: number): Promise<ChangedKey[]> {
  const touched: ChangedKey[] = [];
  for (;;) {
    const page = await trx
      .selectFrom('message_reactions as r')
      .innerJoin('messages as m', (join) => join.onRef('m.chat_id', '=', 'r.chat_id').onRef('m.seq', '=', 'r.seq'))
      .select(['m.id', 'm.chat_id', 'm.seq'])
      .where('r.user_id', '=', userId)
      .orderBy('r.chat_id')
      .orderBy('r.seq')
      .limit(pageSize)
      .execute();
    if (page.length === 0) return touched;
    const keys: ChangedKey[] = page.map((r) => ({ id: r.id, chat_id: r.chat_id, seq: Number(r.seq) }));
    await markChanged(trx, keys);
    // Each page deletes what it read, so the next starts from what is left.
    await trx.deleteFrom('message_reactions').where('user_id', '=', userId).where(bySeqOf(keys.map((k) => k.id))).execute();
    touched.push(...keys);
  }
}

/**
 * After the commit: `message.updated` for each message erased at `at`, a page at a time, found
 * as eraseSentMessages found them, the event loop running between statements.
 */
export async function publishErasedMessages(ctx: Context, userId: string, at: number, pageSize: number, window: number): Promise<void> {
  for await (const page of sentMessagePages(ctx.store.db, userId, { pageSize, window, deletedAt: at, yieldBetweenWindows: true })) {
    await publishMessageUpdates(ctx, page);
  }
}

/** After the commit: `message.updated` for messages whose reactions changed, a page at a time. */
export async function publishChangedMessages(ctx: Context, keys: ChangedKey[], pageSize: number): Promise<void> {
  const unique = [...new Map(keys.map((k) => [k.id, k])).values()];
  for (let i = 0; i < unique.length; i += pageSize) {
    const ids = unique.slice(i, i + pageSize).map((k) => k.id);
    await publishMessageUpdates(ctx, await ctx.store.db.selectFrom('messages').selectAll().where('id', 'in', ids).execute());
  }
}
