import type { Context } from '../context.js';
import type { SweepRun } from '../maintenance/Sweeper.js';
import type { Db } from '../store/Store.js';
import { deleteUnsharedBlobs, removeUnreferencedUploads } from './removeUnreferencedUploads.js';

/** Uploads per page: one short delete transaction each. */
const BATCH = 500;

type Key = { created_at: number; id: string };

/**
 * Uploads no message holds: never sent, or every message with them deleted for everyone (that
 * sets media_id to null). Once older than MEDIA_UNREFERENCED_TTL_SEC, so an upload still on its
 * way into a message is left alone, they go: oldest first, a page of media(created_at, id) at a
 * time, each page's unreferenced rows in one transaction, then their blobs and thumbnails once no
 * upload of the same bytes is left (deleteUnsharedBlobs, as account deletion does).
 *
 * Every page re-reads referenced uploads too: whether a message still holds one can change at any
 * age, so a run walks all uploads older than the TTL, one index probe of messages(media_id) each.
 * Two nodes sweeping at once delete each row once (the condition is part of the DELETE).
 */
export async function sweepUnreferencedMedia(ctx: Context, run: SweepRun): Promise<void> {
  const before = Date.now() - ctx.config.mediaUnreferencedTtlSec * 1000;
  let after: Key | undefined;
  while (!run.signal.aborted) {
    const page = await loadOldUploads(ctx.store.db, before, after);
    const removed = await ctx.store.transaction((trx) => removeUnreferencedUploads(trx, { ids: page.map((m) => m.id) }, ctx.store.kind));
    run.removed('media', removed.length);
    run.removed('blobs', await deleteUnsharedBlobs(ctx, removed));
    if (page.length < BATCH) return;
    after = page[page.length - 1]!;
  }
}

function loadOldUploads(db: Db, before: number, after: Key | undefined): Promise<Key[]> {
  let q = db.selectFrom('media').select(['created_at', 'id']).where('created_at', '<', before);
  if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.created_at, after.id)));
  return q.orderBy('created_at').orderBy('id').limit(BATCH).execute();
}
