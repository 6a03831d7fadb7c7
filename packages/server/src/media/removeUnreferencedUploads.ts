import type { Context } from '../context.js';
import type { Db } from '../store/Store.js';
import type { MediaRow } from '../store/schema.js';

const CHUNK = 500;

export type RemovedUpload = Pick<MediaRow, 'sha256' | 'blob_key' | 'thumb_key'>;

/**
 * In the deleting transaction: the user's uploads that no message holds any more (a forward by
 * someone else keeps its media) lose their rows. Which of their blobs to delete is decided after
 * the commit (deleteUnsharedBlobs).
 */
export async function removeUnreferencedUploads(trx: Db, userId: string): Promise<RemovedUpload[]> {
  return trx
    .deleteFrom('media')
    .where('uploader_id', '=', userId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('messages').select('messages.id').whereRef('messages.media_id', '=', 'media.id'))))
    .returning(['sha256', 'blob_key', 'thumb_key'])
    .execute();
}

/**
 * After the commit: uploads of the same bytes share one blob and thumbnail (keyed by the bytes'
 * sha256), so they go only when no media row of that sha256 is left. Checked after the commit so
 * an upload of the same bytes that committed meanwhile keeps them; one still in flight at that
 * very moment could lose them, and would then fail to serve.
 */
export async function deleteUnsharedBlobs(ctx: Context, removed: RemovedUpload[]): Promise<void> {
  const bySha = new Map(removed.map((m) => [m.sha256, m]));
  const shas = [...bySha.keys()];
  for (let i = 0; i < shas.length; i += CHUNK) {
    const part = shas.slice(i, i + CHUNK);
    const left = await ctx.store.db.selectFrom('media').select('sha256').distinct().where('sha256', 'in', part).execute();
    const kept = new Set(left.map((m) => m.sha256));
    for (const sha of part.filter((s) => !kept.has(s))) {
      const { blob_key, thumb_key } = bySha.get(sha)!;
      for (const key of thumb_key ? [blob_key, thumb_key] : [blob_key]) await deleteBlob(ctx, key);
    }
  }
}

async function deleteBlob(ctx: Context, key: string): Promise<void> {
  try {
    await ctx.blobs.delete(key);
  } catch (err) {
    ctx.log.warn({ err, key }, 'could not delete a blob of a deleted account');
  }
}
