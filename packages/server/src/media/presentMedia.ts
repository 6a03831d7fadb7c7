import type { MediaFile } from '@parley/protocol';
import { iso } from '../accounts/presentUser.js';
import type { MediaRow } from '../store/schema.js';
import type { MediaUrls } from './MediaUrls.js';

/** A media record for someone allowed to see it, with freshly signed URLs. */
export function presentMedia(urls: MediaUrls, row: MediaRow, nowMs = Date.now()): MediaFile {
  const file = urls.sign(row.id, 'file', nowMs);
  const media: MediaFile = {
    id: row.id,
    kind: row.kind,
    mime: row.mime,
    size: Number(row.size),
    sha256: row.sha256,
    url: file.url,
    urlExpiresAt: iso(file.expiresAt),
    createdAt: iso(row.created_at),
  };
  if (row.name) media.name = row.name;
  if (row.width) media.width = row.width;
  if (row.height) media.height = row.height;
  if (row.duration_ms !== null) media.durationMs = Number(row.duration_ms);
  if (row.thumb_key) {
    media.thumbUrl = urls.sign(row.id, 'thumb', nowMs).url;
    if (row.thumb_width) media.thumbWidth = row.thumb_width;
    if (row.thumb_height) media.thumbHeight = row.thumb_height;
  }
  if (row.preview) media.preview = row.preview;
  return media;
}
