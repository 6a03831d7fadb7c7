import { sql, type ExpressionBuilder } from 'kysely';
import type { Context } from '../context.js';
import type { Db, Store } from '../store/Store.js';
import type { Database, MediaRow } from '../store/schema.js';

const CHUNK = 500;

export type RemovedUpload = Pick<MediaRow, 'sha256' | 'blob_key' | 'thumb_key'>;

/** Whose uploads: one user's (account deletion), or the given ids (the periodic sweep's batch). */
export type UploadScope = { uploaderId: string } | { ids: string[] };

/**
 * In the caller's transaction: the uploads of `scope` that no message holds (never sent, or every
 * message with them deleted for everyone; a forward keeps the media id, so it keeps them) lose
 * their rows. Which of their blobs to delete is decided after the commit (deleteUnsharedBlobs).
 * The condition is part of the DELETE, so two nodes sweeping the same rows delete each once.
 *
 * On PostgreSQL a send locks the uploads it stores messages with (FOR KEY SHARE, until its
 * commit), and this locks its candidates FOR UPDATE first, so it waits for such a send. The
 * DELETE then checks again in a statement of its own: under READ COMMITTED a statement that waited
 * for a row lock does not look again at the other tables, so a single DELETE would still miss
 * the message that send committed. On SQLite the two run one after the other anyway.
 */
export async function removeUnreferencedUploads(trx: Db, scope: UploadScope, kind: Store['kind']): Promise<RemovedUpload[]> {
  if ('ids' in scope && scope.ids.length === 0) return [];
  const inScope = (eb: ExpressionBuilder<Database, 'media'>) => ('ids' in scope ? eb('media.id', 'in', scope.ids) : eb('uploader_id', '=', scope.uploaderId));
  const unreferenced = (eb: ExpressionBuilder<Database, 'media'>) =>
    eb.not(eb.exists(eb.selectFrom('messages').select('messages.id').whereRef('messages.media_id', '=', 'media.id')));
  let locked: string[] | undefined;
  if (kind === 'postgres') {
    // In id order, so two sweeps lock their common rows in the same order.
    locked = (await trx.selectFrom('media').select('id').where(inScope).where(unreferenced).orderBy('id').forUpdate().execute()).map((m) => m.id);
    if (locked.length === 0) return [];
  }
  return trx
    .deleteFrom('media')
    // One array parameter: an account's uploads can pass the number of parameters a statement takes.
    .where((eb) => (locked ? sql<boolean>`media.id = ANY(${locked}::text[])` : inScope(eb)))
    .where(unreferenced)
    .returning(['sha256', 'blob_key', 'thumb_key'])
    .execute();
}

/**
 * After the commit: uploads of the same bytes share one blob and thumbnail (keyed by the bytes'
 * sha256), so they go only when no media row of that sha256 is left: checked for all at once,
 * then again for each under its ContentLocks lock, which an upload of the same bytes takes to
 * commit its record. Returns how many were deleted.
 */
export async function deleteUnsharedBlobs(ctx: Context, removed: RemovedUpload[]): Promise<number> {
  const bySha = new Map(removed.map((m) => [m.sha256, m]));
  const shas = [...bySha.keys()];
  let deleted = 0;
  for (let i = 0; i < shas.length; i += CHUNK) {
    const part = shas.slice(i, i + CHUNK);
    const left = await ctx.store.db.selectFrom('media').select('sha256').distinct().where('sha256', 'in', part).execute();
    const kept = new Set(left.map((m) => m.sha256));
    for (const sha of part.filter((s) => !kept.has(s))) {
      const { blob_key, thumb_key } = bySha.get(sha)!;
      deleted += await ctx.contentLocks.run(sha, async (db) => {
        // An upload of the same bytes may have committed its record since the check above.
        if (await db.selectFrom('media').select('id').where('sha256', '=', sha).limit(1).executeTakeFirst()) return 0;
        let n = 0;
        for (const key of thumb_key ? [blob_key, thumb_key] : [blob_key]) n += await deleteBlob(ctx, key);
        return n;
      });
    }
  }
  return deleted;
}

/** A blob that cannot be deleted now (S3 unreachable) stays behind: nothing refers to it any more. */
async function deleteBlob(ctx: Context, key: string): Promise<number> {
  try {
    await ctx.blobs.delete(key);
    return 1;
  } catch (err) {
    ctx.log.warn({ err, key }, 'could not delete the blob of a removed upload');
    return 0;
  }
}
