import { AppError, notFound } from '../errors.js';
import type { Db } from '../store/Store.js';
import type { MediaRow } from '../store/schema.js';

/**
 * The only way to load media for a user: its uploader, or a member of a chat with a
 * (not deleted) message that references it. Unknown is 404, anyone else 403.
 */
export async function loadMediaForViewer(db: Db, mediaId: string, userId: string): Promise<MediaRow> {
  const media = await db.selectFrom('media').selectAll().where('id', '=', mediaId).executeTakeFirst();
  if (!media) throw notFound('media');
  if (media.uploader_id === userId) return media;
  const shared = await db
    .selectFrom('messages as m')
    .innerJoin('chat_members as cm', (join) => join.onRef('cm.chat_id', '=', 'm.chat_id').on('cm.user_id', '=', userId))
    .select('m.id')
    .where('m.media_id', '=', mediaId)
    .where('m.deleted_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (!shared) throw new AppError('forbidden', 'this media is not shared with you');
  return media;
}
